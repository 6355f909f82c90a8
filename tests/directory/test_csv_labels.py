"""The groups' CSV in the editor's language (directory/csv/labels.py, export.py): headers as
the form labels them, values by their names, and the separator a Belgian Excel expects."""

import pytest
from django.utils import translation
from django.utils.text import capfirst

from directory.csv import labels
from directory.csv.table import columns
from directory.models import Group
from tests.factories import make_group

from .test_csv_io import (
    EXPORT,
    MINIMAL,
    errors_of,
    new_row,
    rows_of,
    to_csv,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]


def export_in(client, language, **params):
    response = client.get(EXPORT, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def header_of(text, delimiter):
    return text.split("\r\n", 1)[0].lstrip("\ufeff").split(delimiter)


@pytest.mark.parametrize(
    ("language", "delimiter", "name", "led_by"),
    [
        ("nl", ";", "Naam [nl]", "Begeleid door"),
        ("fr", ";", "Nom [nl]", "Animé par"),
        ("en", ",", "Name [nl]", "Led by"),
    ],
)
def test_headers_are_the_forms_labels_in_the_editors_language(
    admin_client, reference, language, delimiter, name, led_by
):
    make_group()
    text = export_in(admin_client, language)
    assert text.startswith("\ufeff")
    header = header_of(text, delimiter)
    assert len(header) == len(columns())
    assert header[:3] == ["Id", header[1], name]
    assert led_by in header
    with translation.override(language):
        form_label = str(capfirst(Group._meta.get_field("frequency").verbose_name))
    assert form_label in header


def test_no_two_columns_share_a_label_in_any_language():
    seen = {}
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            for name, label in zip(columns(), labels.header(), strict=True):
                assert seen.setdefault(labels.normalised(label), name) == name, label
                assert "," not in label, label
                assert ";" not in label, label
    assert labels.header_names()["name_nl"] == "name_nl"  # the older files' names


def test_separator_follows_the_language_unless_the_link_chooses(admin_client, reference):
    make_group(kind=Group.Kind.THERAPY)
    make_group()
    assert len(header_of(export_in(admin_client, "nl"), ";")) == len(columns())
    assert len(header_of(export_in(admin_client, "en"), ",")) == len(columns())
    text = export_in(admin_client, "nl", sep="comma", kind__exact="therapy")
    assert len(header_of(text, ",")) == len(columns())
    assert len(text.strip().split("\r\n")) == 2  # the filter still applies
    assert len(header_of(export_in(admin_client, "en", sep="semicolon"), ";")) == len(columns())


def test_the_list_offers_the_other_separator(admin_client, reference):
    make_group()
    html = admin_client.get(
        "/admin/directory/group/", {"kind__exact": "support"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert 'href="/admin/directory/group/export/?kind__exact=support&amp;sep=comma"' in html


def test_values_are_written_by_their_names(admin_client, reference):
    make_group(
        frequency=Group.Frequency.MONTHLY,
        week_of_month=2,
        weekday=1,
        languages=["nl", "ar"],
        audiences=["caregivers"],
        is_demo=True,
    )
    [row] = rows_of(export_in(admin_client, "nl"))
    assert row["frequency"] == "Eén keer per maand"
    assert row["attendance"] == "Ter plaatse"
    assert row["languages"] == "Arabisch; Nederlands"
    assert row["audiences"] == "Mantelzorgers"
    assert (row["is_demo"], row["published"]) == ("ja", "ja")
    [row] = rows_of(export_in(admin_client, "fr"))
    assert row["frequency"] == "Une fois par mois"
    assert row["languages"] == "Arabe; Néerlandais"
    assert row["is_demo"] == "oui"


def test_labels_in_any_language_and_codes_are_read(admin_client, reference):
    columns_used = [*MINIMAL, "audiences", "topics", "is_demo"]
    rows = [
        new_row(
            kind="Groepstherapie",
            facilitation="Un professionnel",
            attendance="sur place",
            frequency="Every week",
            fees="Gratuit",
            registration="No registration: just come",
            languages="Néerlandais; Arabic; Perzisch (Farsi, Dari)",
            audiences="Mantelzorgers; parents",
            topics="grief",
            is_demo="nee",
        ),
        new_row(name_nl="Oud bestand", languages="nl fr", frequency="weekly"),
        new_row(name_nl="Zoals getypt", frequency="wekelijks", attendance="en personne"),
    ]
    response = upload(admin_client, to_csv(rows, columns_used))
    assert response.status_code == 302, errors_of(response)
    group = Group.objects.get(name_nl="Praatgroep Elsene")
    assert (group.kind, group.facilitation, group.attendance) == (
        "therapy",
        "professional",
        "in_person",
    )
    assert (group.frequency, group.cost, group.registration) == ("weekly", "free", "none")
    assert sorted(group.languages.values_list("code", flat=True)) == ["ar", "fa", "nl"]
    assert sorted(group.audiences.values_list("slug", flat=True)) == ["caregivers", "parents"]
    assert group.is_demo is False
    old = Group.objects.get(name_nl="Oud bestand")
    assert sorted(old.languages.values_list("code", flat=True)) == ["fr", "nl"]
    typed = Group.objects.get(name_nl="Zoals getypt")
    assert (typed.frequency, typed.attendance) == ("weekly", "in_person")


def test_headers_in_another_language_with_semicolons_and_a_bom(admin_client, reference):
    with translation.override("fr"):
        header = [labels.column_label(name) for name in MINIMAL]
    content = to_csv([new_row(frequency="Chaque semaine")], MINIMAL, delimiter=";")
    content = "\ufeff" + ";".join(header) + content[content.index("\r\n") :]
    response = upload(admin_client, content.encode("utf-8"))
    assert response.status_code == 302, errors_of(response)
    assert Group.objects.get().frequency == "weekly"


def test_a_wrong_value_lists_the_names_to_use(admin_client, reference):
    response = upload(admin_client, to_csv([new_row(frequency="sometimes")]))
    [(row, column, message)] = errors_of(response)
    assert (row, column) == (2, "frequency")
    assert "Every week (weekly)" in message


def test_the_import_page_lists_the_columns_by_label_and_name(admin_client, reference):
    html = admin_client.get(
        "/admin/directory/group/import/", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "Naam [nl] (<code>name_nl</code>)" in html
    assert "Hoe vaak (<code>frequency</code>)" in html
    assert "puntkomma" in html  # several names in a cell
