"""The editors' lists and forms fit the screen (issue 14, item 6): no sideways scrolling of the
page at 1280 px (sidebar open) and 768 px, the object tools clear of the title, and axe at 0
violations."""

import os

import pytest

from tests.factories import make_article, make_group

from .conftest import axe_violations, signed_in_page

WIDTHS = [1280, 768]
# The scripts have built the pickers and the language tabs, and ours have amended them.
BUILT = """() => !document.querySelector("select.selectfilter, select.selectfilterstacked")
    && !document.querySelector(".selector span[aria-label]:not([role])")
    && !document.querySelector(".ui-tabs-nav a:not([data-ht-panel]), .ui-tabs-nav a[href]")
    && (!document.querySelector(".mt") || document.querySelector(".ui-tabs-nav"))"""
SCREENSHOTS = os.environ.get("HT_SCREENSHOTS")  # a folder: save what the test saw, to look at


def pages(group, article):
    return {
        "group-list": "/admin/directory/group/",
        "group-form": f"/admin/directory/group/{group.pk}/change/",
        "article-list": "/admin/articles/article/",
        "article-form": f"/admin/articles/article/{article.pk}/change/",
    }


def overlaps(page, first, second):
    """Whether two elements' boxes overlap (False when one is missing)."""
    a, b = page.locator(first).first, page.locator(second).first
    if not a.count() or not b.count():
        return False
    a, b = a.bounding_box(), b.bounding_box()
    if a is None or b is None:
        return False
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_lists_and_forms_fit_without_sideways_scrolling(
    browser, live_server, live_data, otp_login, settings, width
):
    groups = [make_group(name_nl=f"Een praatgroep met een lange naam {n}") for n in range(8)]
    article = make_article()
    for _n in range(4):
        make_article()
    context, page, _problems = signed_in_page(browser, live_server, otp_login, settings, "nl-BE")
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in pages(groups[0], article).items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        page.wait_for_function(BUILT)
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (name, widths)
        assert not overlaps(page, "#content > h1", ".object-tools"), name
        if name.endswith("-list"):
            # The list itself fits too: no column hidden behind a scroll bar of its own.
            fits = "e => e.scrollWidth <= e.clientWidth"
            assert page.locator("#changelist .results").evaluate(fits), name
        assert axe_violations(page) == [], name
    context.close()
