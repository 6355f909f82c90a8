"""The admin in Dutch and in French: no English left on the pages an editor uses.

An Editor's browser asks for Dutch, then for French. Each main admin page (home, the lists and
forms of groups, articles, networks, platforms, organisations, proposals and correction
reports, a history page, a restore page, the 403 page) is read as a person sees it: the text,
plus what buttons, images and fields say (tooltips, text alternatives, placeholders), without
scripts, styles and what editors typed (form values). A word from ENGLISH_UI_WORDS in it fails
the test, naming the page and the words around it. The test objects are named in Dutch and
French, so their names are never taken for English.

The texts the browser adds (the pickers' "Choose …", the rich-text editor's dialogs and
toolbar) come from the admin's JavaScript catalog: it must hold them in both languages.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import (
    make_article,
    make_correction_report,
    make_group,
    make_network,
    make_organisation,
    make_proposal,
)

pytestmark = pytest.mark.django_db

# English words of the admin's interface, gathered from what the Dutch and French admin showed
# before it was translated (Django, simple-history, prose-editor, our own labels), plus the
# common words of any admin screen. Words that are also Dutch or French are in SAME_IN.
_WORDS = """
    add added all and audiences available below bold button cancel change changed changes choose
    chosen clear click close created date delete deleted directory edit filter forbidden heading
    hide historical history home italic languages latitude link log longitude model name next no
    none now object of parent paragraph password please press redo remove revert save search
    select selected session show slug successfully the this time title today topics true false
    type undo unknown update updated url view was were with yes you your
"""
ENGLISH_UI_WORDS = frozenset(_WORDS.split())
# Words of the list that are also words of the language (a Dutch "link", a French "date").
SAME_IN = {
    "nl": {"filter", "link", "model", "object", "of", "type", "was"},
    "fr": {"date", "latitude", "longitude", "parent", "session", "type"},
}
# Names that stay as they are in every language.
BRAND_WORDS = ("Healing Together",)

WORD = re.compile(r"[A-Za-z]+")


class VisibleText(HTMLParser):
    """What a person reads, or hears from a screen reader, on an HTML page."""

    HIDDEN = {"script", "style", "textarea", "template"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt")
    BUTTONS = {"submit", "button", "reset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts.extend(attrs[name] for name in self.SPOKEN if attrs.get(name))
        if tag == "input" and attrs.get("type") in self.BUTTONS:
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for brand in BRAND_WORDS:
        text = text.replace(brand, " ")
    return text


def english_words(text, language):
    """[(word, the text around it)] for each English interface word in `text`."""
    allowed = SAME_IN[language]
    found = []
    for match in WORD.finditer(text):
        word = match.group().lower()
        if word in ENGLISH_UI_WORDS and word not in allowed:
            found.append((match.group(), text[max(0, match.start() - 40) : match.end() + 40]))
    return found


@pytest.fixture
def admin_pages(reference):
    """The pages an editor works on, with objects named in Dutch and French."""
    from directory.models import Platform

    organisation = make_organisation(name="Vereniging Zonnebloem")
    group = make_group(
        organisation=organisation,
        name_nl="Praatgroep Zonnebloem",
        name_fr="Groupe de parole Tournesol",
        name_en="Zonnebloem",
        summary_en="Zonnebloem.",
        audiences=["caregivers"],
        topics=["grief"],
    )
    group.name_nl = "Praatgroep Zonnebloem Gent"
    group.save()  # a second version, for the history and the restore page
    article = make_article(title_nl="Rouw delen", title_fr="Partager le deuil", title_en="Rouw")
    network = make_network(name="Netwerk Zuid")
    platform = Platform.objects.create(
        slug="trefpunt",
        name="Trefpunt Zelfhulp",
        summary_nl="Zelfhulpgroepen in Vlaanderen.",
        summary_fr="Groupes d’entraide en Flandre.",
        website="https://example.org/",
    )
    proposal = make_proposal(
        name_fr="Cercle de parole",
        summary_fr="Un cercle pour parler.",
        schedule_note_fr="Le mardi soir.",
        proposer_name="Camille Dupont",
        organisation=make_organisation(name="Asbl Soleil"),
    )
    report = make_correction_report(group, message="Le groupe se réunit le jeudi.")
    objects = {
        "directory/group": group,
        "articles/article": article,
        "directory/network": network,
        "directory/platform": platform,
        "directory/organisation": organisation,
        "directory/proposal": proposal,
        "directory/correctionreport": report,
    }
    pages = ["/admin/"]
    for model, obj in objects.items():
        pages += [f"/admin/{model}/", f"/admin/{model}/{obj.pk}/change/"]
    # Proposals and correction reports come from the public forms: no add page.
    pages += [f"/admin/{model}/add/" for model in list(objects)[:5]]
    pages += [f"/admin/directory/{model}/" for model in ("audience", "topic", "helpline")]
    # (The CSV import page names the file's columns and codes, which stay English for now:
    # issue 14 item 5 gives them the form's labels.)
    pages += [
        f"/admin/directory/proposal/{proposal.pk}/approve/",
        f"/admin/directory/proposal/{proposal.pk}/reject/",
    ]
    first_version = group.history.earliest()
    pages += [
        f"/admin/directory/group/{group.pk}/history/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/directory/group/{group.pk}/history/{first_version.history_id}/",
    ]
    return pages


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_main_admin_pages_have_no_english_words(editor_client, admin_pages, language):
    english = {}
    for path in admin_pages:
        response = editor_client.get(path, headers={"accept-language": language})
        assert response.status_code == 200, path
        assert f'lang="{language}"' in response.content.decode()
        found = english_words(visible_text(response.content.decode()), language)
        if found:
            english[path] = found
    assert english == {}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_sign_in_page_has_no_english_words(client, language):
    response = client.get("/admin/login/", headers={"accept-language": language})
    assert response.status_code == 200
    assert english_words(visible_text(response.content.decode()), language) == []


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("nl", ["Beveiliging van het aanmelden", "Authenticator-apps"]),
        ("fr", ["Sécurité de la connexion", "Applications d’authentification"]),
    ],
)
def test_the_packages_sections_have_plain_names(admin_client, language, names):
    """The sidebar and the admin home name the sign-in packages' sections in the editor's
    language, not "Axes" and "Otp_Totp"."""
    response = admin_client.get("/admin/", headers={"accept-language": language})
    text = visible_text(response.content.decode())
    for name in names:
        assert name in text
    assert not re.search(r"\baxes\b|otp_totp", text, re.I)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_403_page_speaks_the_editors_language(editor_client, language):
    # An editor's role has no access to the users.
    response = editor_client.get("/admin/auth/user/", headers={"accept-language": language})
    assert response.status_code == 403
    text = visible_text(response.content.decode())
    assert english_words(text, language) == []
    assert {"nl": "Geen toegang tot deze pagina", "fr": "Pas d’accès à cette page"}[
        language
    ] in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        # Dutch: no "De" before a het-word ("het platform"); the admin capitalises the message.
        ("nl", "Platform “Trefpunt Zelfhulp” is toegevoegd."),
        ("fr", "L'objet plateforme «\xa0Trefpunt Zelfhulp\xa0» a été ajouté avec succès."),
    ],
)
def test_the_saved_message_reads_correctly(editor_client, reference, language, expected):
    from directory.models import Region

    response = editor_client.post(
        "/admin/directory/platform/add/",
        {
            "slug": "trefpunt",
            "name": "Trefpunt Zelfhulp",
            "summary_nl": "Zelfhulpgroepen.",
            "website": "https://example.org/",
            "source_url": "https://example.org/",
            "regions": [Region.objects.first().pk],
            "order": "100",
        },
        headers={"accept-language": language},
        follow=True,
    )
    assert response.redirect_chain, response.context["adminform"].form.errors
    html = response.content.decode()
    shown = re.findall(r'<li class="success">(.*?)</li>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", message) for message in shown] == [expected]


def served_catalog(client, language):
    """{msgid: translation} of the admin's JavaScript catalog (/admin/jsi18n/)."""
    script = client.get("/admin/jsi18n/", headers={"accept-language": language})
    assert script.status_code == 200
    body = re.search(r"const newcatalog = (\{.*?\});", script.content.decode(), re.S).group(1)
    return json.loads(body)


def package_dir(module):
    return Path(__import__(module, fromlist=["_"]).__file__).parent


def gettext_calls(path):
    """The msgids a JavaScript file asks gettext() for (not pgettext(), ngettext())."""
    source = Path(path).read_text("utf-8")
    return set(re.findall(r"""(?<![\w.])gettext\(\s*(['"])(.+?)(?<!\\)\1\s*\)""", source))


# django-prose-editor's dialogs for the extensions we enable (healing_together.admin):
# the link dialog and the ordered list's properties. Each is asked of window.gettext.
PROSE_EDITOR_DIALOG_TEXTS = [
    "Edit Link",
    "URL",
    "Title",
    "Update",
    "Cancel",
    "List properties",
    "List type",
    "Start at",
    "Decimal numbers",
    "Lowercase letters",
    "Uppercase letters",
    "Lowercase Roman numerals",
    "Uppercase Roman numerals",
]


def javascript_texts():
    """Every text the admin's scripts ask the JavaScript catalog for."""
    admin_js = package_dir("django.contrib.admin") / "static/admin/js"
    texts = set()
    for name in ("SelectFilter2.js", "admin/DateTimeShortcuts.js", "calendar.js", "actions.js"):
        texts |= {msgid for _quote, msgid in gettext_calls(admin_js / name)}
    ours = Path(settings.BASE_DIR, "static/admin-ext/prose-editor.js")
    texts |= {msgid for _quote, msgid in gettext_calls(ours)}
    editor_js = (
        package_dir("django_prose_editor") / "static/django_prose_editor/editor.js"
    ).read_text("utf-8")
    for text in PROSE_EDITOR_DIALOG_TEXTS:
        assert f'("{text}")' in editor_js, f"django-prose-editor no longer asks for {text!r}"
    return texts | set(PROSE_EDITOR_DIALOG_TEXTS)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_javascript_catalog_translates_the_pickers_and_the_rich_text_editor(
    editor_client, language
):
    catalog = served_catalog(editor_client, language)
    texts = javascript_texts()
    assert {
        'Choose %s by selecting them and then select the "Choose" arrow button.',
        "Remove all %s",
        "Heading %s",
        "Paragraph",
        "Edit Link",
    } <= texts
    missing = sorted(text for text in texts if text not in catalog)
    assert missing == []
    untranslated = sorted(
        text
        for text in texts
        if catalog[text] == text and text.lower() not in SAME_IN[language] | {"filter", "%s"}
    )
    assert untranslated == []


def test_a_visitor_gets_the_403_page_in_the_sites_style(rf, reference):
    from django.contrib.auth.models import AnonymousUser

    from healing_together.views import permission_denied

    request = rf.get("/fr/groupes/", headers={"accept-language": "fr"})
    request.user = AnonymousUser()
    response = permission_denied(request)
    assert response.status_code == 403
    assert "Pas d’accès à cette page" in response.content.decode()
