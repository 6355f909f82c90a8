"""What an import changes (directory/csv/changes.py): an exported file imported back as it is
changes nothing, in every editor's language; the report names each group it changes and what;
an error names the row, the group and the column as the header does."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import ngettext

from directory.models import Group
from tests.factories import make_group

from .test_csv_io import (
    errors_of,
    rich_group,
    upload,
)
from .test_csv_labels import export_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

RICH = (
    '<h2>Voor wie</h2><p>Iedereen &amp; <a href="https://example.org">wie wil</a>.</p>'
    "<ul><li>Elke dinsdag</li><li><strong>Gratis</strong></li></ul>"
)


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def groups_for_round_trip():
    rich = rich_group()
    rich.description_nl = RICH
    rich.save()
    french_only = make_group(
        name_nl="", name_en="", name_fr="Groupe de parole à Liège", summary_nl="", slug_nl=""
    )
    online = make_group(attendance=Group.Attendance.ONLINE, serves_regions=["brussels"])
    return [rich, french_only, online]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_an_exported_file_imports_back_as_zero_changes(admin_client, reference, language):
    groups = groups_for_round_trip()
    old = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    Group.objects.update(updated_at=old)
    before = {g.pk: g for g in Group.objects.all()}
    text = export_in(admin_client, language)
    response = admin_client.post(
        "/admin/directory/group/import/",
        {"file": _upload(text)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, errors_of(response)
    with translation.override(language):
        expected = ngettext(
            "%(rows)d row read: %(created)d created (not published yet), %(changed)d changed, "
            "%(unchanged)d unchanged.",
            "%(rows)d rows read: %(created)d created (not published yet), %(changed)d changed, "
            "%(unchanged)d unchanged.",
            3,
        ) % {"rows": 3, "created": 0, "changed": 0, "unchanged": 3}
    assert messages_of(response) == [expected]
    for group in Group.objects.all():
        assert group.updated_at == old
        assert group.description_nl == before[group.pk].description_nl
        assert group.slug_nl == before[group.pk].slug_nl
    assert Group.objects.get(pk=groups[0].pk).description_nl == RICH
    assert not Group.history.filter(history_change_reason="CSV import").exists()


def _upload(text):
    return SimpleUploadedFile("groups.csv", text.encode("utf-8"), "text/csv")


def test_the_report_names_each_changed_group_and_what_changed(admin_client, reference):
    changed = make_group(name_en="Grief circle", languages=["nl"])
    make_group()
    text = export_in(admin_client, "en")
    lines = text.split("\r\n")
    row = next(i for i, line in enumerate(lines) if "Grief circle" in line)
    lines[row] = (
        lines[row]
        .replace("Grief circle", "Grief circle Ghent")
        .replace("Every week", "Every two weeks")
        .replace(",Dutch,", ',"Dutch; French",')
    )
    response = upload(admin_client, "\r\n".join(lines))
    assert response.status_code == 302, errors_of(response)
    summary, detail = messages_of(response)
    assert summary == "2 rows read: 0 created (not published yet), 1 changed, 1 unchanged."
    assert detail == "Grief circle Ghent: Name [en], Languages spoken, How often."
    changed.refresh_from_db()
    assert changed.frequency == Group.Frequency.FORTNIGHTLY
    assert changed.history.filter(history_change_reason="CSV import").count() == 1


def test_an_edited_plain_text_description_is_saved_as_sanitised_html(admin_client, reference):
    group = make_group(description_nl=RICH)
    text = export_in(admin_client, "nl")
    text = text.replace("- Elke dinsdag", "- Elke dinsdag <script>x</script>")
    response = admin_client.post(
        "/admin/directory/group/import/", {"file": _upload(text)}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302, errors_of(response)
    group.refresh_from_db()
    assert group.description_nl == (
        '<p>Voor wie</p><p>Iedereen &amp; <a href="https://example.org">wie wil</a>.</p>'
        "<ul><li>Elke dinsdag &lt;script&gt;x&lt;/script&gt;</li><li>Gratis</li></ul>"
    )


def test_an_error_names_the_row_the_group_and_the_column(admin_client, reference):
    make_group(name_en="First group")
    make_group(name_en="Second group")
    text = export_in(admin_client, "en").replace("Every week,", "Sometimes,")
    response = upload(admin_client, text)
    errors = response.context["result"].errors
    assert sorted(e.row for e in errors) == [2, 3]
    assert {(e.group, e.column, e.label) for e in errors} == {
        ("First group", "frequency", "How often"),
        ("Second group", "frequency", "How often"),
    }
    html = response.content.decode()
    assert "<td>Second group</td><td><code>How often</code></td>" in html
    assert Group.objects.filter(frequency="weekly").count() == 2
