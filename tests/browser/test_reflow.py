"""Reflow (WCAG 1.4.10): no page scrolls sideways at 320 CSS px, nor at 390 px with the text
at 200%, on every public page of the sitemap in every language.

"Text at 200%" is the browser's default font size doubled, not a page zoom: the site sizes
everything in rem/em from the root, so a user stylesheet raising the root font size to 200%
(adopted after load, so it wins over the site's `html { font-size: 100% }`) is what a visitor
with a 32 px default font gets. Page zoom or `Emulation.setPageScaleFactor` would only scale
the viewport, which the 320 px run already covers.
"""

import pytest

from directory.views import GroupListView
from tests.factories import make_article, make_group, make_network
from tests.sitemap import live_pages

# Long words that have overflowed before: Dutch compounds, French nouns and adjectives.
LONG_NL = "Ervaringsdeskundigenwerking voor nabestaandenondersteuning"
LONG_FR = "Accompagnement psychoéducationnel interprofessionnalisé"
TEXT_200 = "html { font-size: 200% !important; }"
# A constructed stylesheet plays the user stylesheet: the site's CSP (rightly) refuses inline
# <style>, and adopted sheets come after the document's own in the cascade.
ADOPT_STYLESHEET = """css => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


@pytest.fixture
def pages(live_server, live_data, monkeypatch):
    # Two groups a page, so that the list has a page 2 without creating dozens of groups.
    monkeypatch.setattr(GroupListView, "paginate_by", 2)
    make_group(
        name_nl=LONG_NL,
        name_fr=LONG_FR,
        summary_nl="Voor mantelzorgers, lotgenoten en ervaringsdeskundigen.",
        summary_fr="Pour les aidants proches et les professionnels interdisciplinaires.",
        audiences=["caregivers"],
        topics=["grief"],
        languages=["nl", "fr"],
        facilitation="both",
        cost_note="Vrijwillige bijdrage; terugbetaalbaar via ziekenfondsverzekering",
    )
    make_group(audiences=["caregivers"], attendance="online", kind="therapy")
    make_group(audiences=["caregivers"], facilitation="peer", is_demo=True)
    make_group(topics=["anxiety"], languages=["fr", "en"])
    make_network()
    make_article(audiences=["caregivers"], topics=["grief"], references=2)
    extra = [
        "/nl/groepen/?audience=caregivers&page=2",
        "/fr/groupes/?audience=caregivers&topic=grief&language=fr&postcode=1000",
        "/en/groups/?page=2",
        "/fr/groupes/?q=introuvable",
    ]
    return live_pages(live_server, *extra)


def too_wide(page, urls, width, style=None):
    """{url: document width} for every page wider than the viewport."""
    page.set_viewport_size({"width": width, "height": 800})
    wide = {}
    for url in urls:
        page.goto(url, wait_until="load")
        if style:
            page.evaluate(ADOPT_STYLESHEET, style)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[url] = scroll_width
    return wide


def test_no_page_scrolls_sideways_at_320px_or_with_text_at_200_percent(page, pages):
    assert len(pages) > 30
    failures = {
        "320 px": too_wide(page, pages, 320),
        "390 px, text 200%": too_wide(page, pages, 390, TEXT_200),
    }
    report = [
        f"{case}: {url} is {scroll_width} px wide"
        for case, wide in failures.items()
        for url, scroll_width in wide.items()
    ]
    assert not report, "Pages that scroll sideways:\n" + "\n".join(report)
