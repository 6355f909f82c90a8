"""CSV export and import of groups in the admin: filters, round trip, every error by row and
column, all or nothing, encodings, sizes, and 10,000 rows."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directory import csv as csv_io
from directory.csv import labels
from directory.models import Group, Organisation
from tests.factories import make_group, make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

IMPORT = "/admin/directory/group/import/"


EXPORT = "/admin/directory/group/export/"
MINIMAL = [
    "id",
    "kind",
    "name_nl",
    "name_fr",
    "organization_name",
    "facilitation",
    "languages",
    "attendance",
    "city_refnis",
    "postal_code",
    "frequency",
    "byday",
    "fees",
    "registration",
]


def export(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode("utf-8")


def rows_of(text):
    """The exported rows as {column name: cell}, whatever language the header is in."""
    assert text.startswith("\ufeff")
    lines = text[1:]
    delimiter = ";" if lines.split("\n", 1)[0].count(";") > 1 else ","
    reader = csv.reader(io.StringIO(lines), delimiter=delimiter)
    names = labels.header_names()
    header = [names[labels.normalised(cell)] for cell in next(reader)]
    return [dict(zip(header, values, strict=True)) for values in reader]


def to_csv(rows, columns=MINIMAL, delimiter=","):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue()


def new_row(**values):
    row = {
        "id": "",
        "kind": "support",
        "name_nl": "Praatgroep Elsene",
        "name_fr": "Groupe de parole Ixelles",
        "organization_name": "Vzw Samen",
        "facilitation": "peer",
        "languages": "nl fr",
        "attendance": "in_person",
        "city_refnis": "21009",
        "postal_code": "1050",
        "frequency": "weekly",
        "byday": "TU",
        "fees": "free",
        "registration": "none",
    }
    row.update(values)
    return row


def upload(client, content, name="groups.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def errors_of(response):
    assert response.status_code == 400
    result = response.context["result"]
    if result is None:  # the upload form refused the file before reading it
        return {(None, "file", str(e)) for e in response.context["form"].errors["file"]}
    return {(e.row, e.column, e.message) for e in result.errors}


def error_cells(response):
    return {(row, column) for row, column, _message in errors_of(response)}


# --- export -----------------------------------------------------------------------------------


def test_export_takes_the_lists_current_filters(admin_client, reference):
    therapy = make_group(kind=Group.Kind.THERAPY, name_fr="Thérapie de groupe")
    make_group()
    make_group(kind=Group.Kind.THERAPY, published=False)
    text = export(admin_client, kind__exact="therapy", published__exact="1")
    rows = rows_of(text)
    assert [row["id"] for row in rows] == [str(therapy.pk)]
    assert list(rows[0]) == csv_io.columns()
    assert rows[0]["name_fr"] == "Thérapie de groupe"
    assert rows[0]["city_refnis"] == "21004"
    assert len(rows_of(export(admin_client, q="Thérapie"))) == 1
    assert len(rows_of(export(admin_client))) == 3


def test_export_link_on_the_list_carries_the_filters(admin_client, reference):
    make_group()
    html = admin_client.get("/admin/directory/group/", {"kind__exact": "support"}).content
    assert b'href="/admin/directory/group/export/?kind__exact=support"' in html
    assert b'href="/admin/directory/group/import/"' in html


def test_export_with_bad_filters_is_not_a_server_error(admin_client, reference):
    response = admin_client.get(EXPORT, {"last_verified__gte": "not a date"})
    assert response.status_code in {200, 302}


def test_export_selected_action(admin_client, reference):
    chosen = make_group()
    make_group()
    response = admin_client.post(
        "/admin/directory/group/",
        {"action": "export_selected_csv", "_selected_action": [chosen.pk]},
    )
    rows = rows_of(b"".join(response.streaming_content).decode())
    assert [row["id"] for row in rows] == [str(chosen.pk)]


def test_exported_cells_that_look_like_formulas_are_guarded(admin_client, reference):
    make_group(name_nl="=HYPERLINK(1)", organisation=make_organisation(name="+32 club"))
    row = rows_of(export(admin_client))[0]
    assert row["name_nl"] == "'=HYPERLINK(1)"
    assert row["organization_name"] == "'+32 club"


# --- round trip -------------------------------------------------------------------------------


def rich_group():
    from directory.models import Municipality

    return make_group(
        kind=Group.Kind.THERAPY,
        name_nl="=Rouwgroep",
        name_en='Grief group, "together"',
        description_nl="<h2>Voor wie</h2><p>Iedereen; één keer per maand.</p>",
        description_fr="Ligne un\n\nLigne deux",
        audiences=["caregivers", "parents"],
        topics=["grief"],
        languages=["nl", "fr", "ar"],
        serves_regions=["flanders", "brussels"],
        attendance=Group.Attendance.HYBRID,
        municipality=Municipality.objects.get(code="11002"),
        postal_code="2000",
        venue="Zaal De Kring",
        street_address="Kerkstraat 1",
        latitude="51.21989",
        longitude="4.40346",
        frequency=Group.Frequency.MONTHLY,
        week_of_month=-1,
        weekday=4,
        start_time=datetime.time(19, 30),
        duration_minutes=120,
        start_date=datetime.date(2025, 1, 10),
        cost=Group.Cost.AMOUNT,
        cost_amount="12.50",
        cost_note_nl="Per sessie",
        registration=Group.Registration.EMAIL,
        registration_email="info@example.org",
        min_age=18,
        max_age=99,
        accessibility_en="Step-free entrance",
        last_verified=datetime.date(2025, 6, 1),
        is_demo=True,
    )


def comparable(row, ignore=("last_modified",)):
    return {k: v for k, v in row.items() if k not in ignore}


def test_export_then_import_changes_nothing(admin_client, reference):
    rich_group()
    make_group(attendance=Group.Attendance.ONLINE)
    before = rows_of(export(admin_client))
    response = upload(admin_client, export(admin_client))
    assert response.status_code == 302, errors_of(response)
    assert Group.objects.count() == 2
    after = rows_of(export(admin_client))
    assert [comparable(r) for r in after] == [comparable(r) for r in before]
    # Nothing changed: no version in the history (tests/healing_together/test_history.py).
    assert not Group.history.filter(history_change_reason="CSV import").exists()


def test_exported_rows_without_ids_import_as_new_unpublished_groups(admin_client, reference):
    original = rich_group()
    rows = rows_of(export(admin_client))
    for row in rows:
        row["id"] = ""
        for code in ("nl", "fr", "en"):
            row[f"slug_{code}"] = ""
    response = upload(admin_client, "\ufeff" + to_csv(rows, csv_io.columns()))
    assert response.status_code == 302, errors_of(response)
    copy = Group.objects.exclude(pk=original.pk).get()
    assert not copy.published
    assert copy.organisation_id == original.organisation_id
    ignore = ("id", "last_modified", "published", "slug_nl", "slug_fr", "slug_en")
    assert comparable(csv_io.group_row(copy), ignore) == comparable(
        csv_io.group_row(original), ignore
    )
    assert copy.slug_nl == f"{original.slug_nl}-2"
    # Saved the way the admin saves: searchable, with its next session, and in the history
    # with its codes.
    assert "rouwgroep" in copy.search_text
    assert copy.next_session_on is not None
    record = copy.history.get()
    assert record.history_type == "+"
    assert record.name_en == 'Grief group, "together"'
    assert sorted(row.audience.slug for row in record.audiences.all()) == ["caregivers", "parents"]


# --- import: creating and updating ------------------------------------------------------------


def test_import_creates_unpublished_groups_and_updates_by_id(admin_client, reference):
    existing = make_group(name_nl="Oude naam", last_verified=datetime.date(2024, 1, 1))
    content = to_csv(
        [
            new_row(),
            new_row(
                id=str(existing.pk),
                name_nl="Nieuwe naam",
                organization_name=existing.organisation.name,
            ),
        ]
    )
    response = upload(admin_client, content)
    assert response.status_code == 302, errors_of(response)
    message = str(list(response.wsgi_request._messages)[0])
    assert "2 rows read: 1 created (not published yet), 1 changed, 0 unchanged." in message
    assert "1 organisation created" in message
    created = Group.objects.get(name_nl="Praatgroep Elsene")
    assert not created.published
    assert created.municipality.code == "21009"
    assert created.weekday == 1
    assert sorted(language.code for language in created.languages.all()) == ["fr", "nl"]
    assert created.organisation.name == "Vzw Samen"
    assert created.slug_nl == "praatgroep-elsene"
    existing.refresh_from_db()
    assert existing.name_nl == "Nieuwe naam"
    # Columns left out of the file are kept.
    assert existing.name_en.startswith("Talking group")
    assert existing.last_verified == datetime.date(2024, 1, 1)
    assert existing.published


def test_rows_with_the_same_name_get_numbered_addresses_around_taken_ones(admin_client, reference):
    make_group(name_nl="Andere groep", slug_nl="praatgroep-elsene-3")
    response = upload(admin_client, to_csv([new_row() for _ in range(5)]))
    assert response.status_code == 302, errors_of(response)
    slugs = sorted(
        Group.objects.filter(name_nl="Praatgroep Elsene").values_list("slug_nl", flat=True)
    )
    assert slugs == sorted(["praatgroep-elsene"] + [f"praatgroep-elsene-{n}" for n in (2, 4, 5, 6)])


def test_semicolons_bom_dates_and_postcode_alone(admin_client, reference):
    columns = [c for c in MINIMAL if c != "city_refnis"] + ["valid_from", "assured_date"]
    content = "\ufeff" + to_csv(
        [new_row(postal_code="2000", valid_from="31/01/2025", assured_date="2025-02-01")],
        columns,
        delimiter=";",
    )
    response = upload(admin_client, content)
    assert response.status_code == 302, errors_of(response)
    group = Group.objects.get()
    assert group.municipality.code == "11002"  # 2000 is Antwerp only
    assert group.start_date == datetime.date(2025, 1, 31)
    assert group.last_verified == datetime.date(2025, 2, 1)


# --- import: every error, by row and column, and nothing saved ---------------------------------


def test_every_error_is_reported_by_row_and_column(admin_client, reference):
    columns = [*MINIMAL, "audiences", "topics", "valid_from", "minimum_age", "maximum_age"]
    rows = [
        new_row(audiences="caregivers nonsense"),  # row 2
        new_row(valid_from="31 February"),  # row 3
        new_row(city_refnis="99999"),  # row 4
        new_row(city_refnis="", postal_code="9999"),  # row 5
        new_row(languages="nl xx"),  # row 6
        new_row(kind="club", topics="grief"),  # row 7
        new_row(name_nl="", name_fr=""),  # row 8: no name in any language
        new_row(id="999999"),  # row 9
        new_row(byday="Tuesday"),  # row 10
        new_row(minimum_age="40", maximum_age="30"),  # row 11
        new_row(city_refnis="21004", postal_code="2000"),  # row 12
        new_row(attendance="in_person", city_refnis="", postal_code=""),  # row 13
        new_row(postal_code="1050", city_refnis=""),  # row 14: 1050 is two municipalities
        new_row(),  # row 15: fine
    ]
    response = upload(admin_client, to_csv(rows, columns))
    cells = error_cells(response)
    assert cells == {
        (2, "audiences"),
        (3, "valid_from"),
        (4, "city_refnis"),
        (5, "postal_code"),
        (6, "languages"),
        (7, "kind"),
        (8, "name_nl"),
        (9, "id"),
        (10, "byday"),
        (11, "maximum_age"),
        (12, "postal_code"),
        (13, "city_refnis"),
        (14, "city_refnis"),
    }
    messages = {(row, column): message for row, column, message in errors_of(response)}
    assert "nonsense" in messages[(2, "audiences")]
    assert "2025-03-31" in messages[(3, "valid_from")]
    assert "99999" in messages[(4, "city_refnis")]
    assert "21004" in messages[(14, "city_refnis")]
    assert "21009" in messages[(14, "city_refnis")]
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "<code>First session</code>" in html  # the column's label
    assert Group.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_one_bad_row_saves_nothing(admin_client, reference):
    existing = make_group(name_nl="Blijft")
    rows = [new_row(name_nl=f"Groep {n}") for n in range(5)]
    rows.append(new_row(id=str(existing.pk), name_nl="Gewijzigd"))
    rows.append(new_row(fees="expensive"))
    response = upload(admin_client, to_csv(rows))
    assert error_cells(response) == {(8, "fees")}
    assert Group.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name_nl == "Blijft"
    assert Group.history.filter(history_change_reason="CSV import").count() == 0


def test_the_same_group_twice_and_clashing_addresses(admin_client, reference):
    existing = make_group()
    columns = [*MINIMAL, "slug_nl"]
    rows = [
        new_row(id=str(existing.pk), organization_name=existing.organisation.name),
        new_row(id=str(existing.pk), organization_name=existing.organisation.name),
        new_row(slug_nl="mijn-groep"),
        new_row(slug_nl="mijn-groep"),
        new_row(slug_nl="Geen geldig adres!"),
    ]
    response = upload(admin_client, to_csv(rows, columns))
    assert error_cells(response) == {(3, "id"), (5, "slug_nl"), (6, "slug_nl")}


def test_missing_and_unknown_columns(admin_client, reference):
    columns = [c for c in MINIMAL if c not in {"kind", "languages"}] + ["colour"]
    response = upload(admin_client, to_csv([new_row(colour="blue")], columns))
    assert error_cells(response) == {(1, "kind"), (1, "languages"), (1, "colour")}
    assert Group.objects.count() == 0


def test_a_row_with_more_cells_than_the_header(admin_client, reference):
    content = to_csv([new_row()]) + ",".join(new_row().values()) + ",extra\n"
    assert error_cells(upload(admin_client, content)) == {(3, "")}


def test_empty_file_and_header_only(admin_client, reference):
    assert errors_of(upload(admin_client, ""))
    response = upload(admin_client, to_csv([]))
    assert [message for _r, _c, message in errors_of(response)] == [
        "The file has no rows of groups."
    ]


# --- import: files that are not what they should be -------------------------------------------


def test_other_encodings_are_refused_with_a_clear_message(admin_client, reference):
    latin1 = to_csv([new_row(name_fr="Café des aidants")]).encode("latin-1")
    [(row, column, message)] = errors_of(upload(admin_client, latin1))
    assert (row, column) == (None, "")
    assert "UTF-8" in message
    utf16 = to_csv([new_row()]).encode("utf-16")
    [(_row, _column, message)] = errors_of(upload(admin_client, utf16))
    assert "UTF-16" in message
    assert Group.objects.count() == 0


def test_binary_and_wrongly_named_files_are_refused(admin_client, reference):
    assert error_cells(upload(admin_client, b"PK\x03\x04\x00\x00binary", "groups.csv")) == {
        (None, "")
    }
    response = upload(admin_client, to_csv([new_row()]), "groups.xlsx")
    [(_row, column, message)] = errors_of(response)
    assert column == "file"
    assert ".csv" in message
    assert Group.objects.count() == 0


def test_oversized_file_is_refused(admin_client, reference):
    big = to_csv([new_row()]) + "#" * csv_io.MAX_IMPORT_BYTES
    response = upload(admin_client, big)
    [(_row, column, message)] = errors_of(response)
    assert column == "file"
    assert "MB" in message
    assert Group.objects.count() == 0


def test_import_page_and_permissions(admin_client, client, reference, otp_login):
    from django.contrib.auth.models import User

    page = admin_client.get(IMPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "<code>organization_name</code>" in html
    viewer = User.objects.create_user("viewer", password="x" * 16, is_staff=True)
    otp_login(client, viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_editors_can_import(editor_client, reference):
    response = upload(editor_client, to_csv([new_row()]))
    assert response.status_code == 302, errors_of(response)
    assert Group.objects.get().history.get().history_user.username == "editor"


# --- 10,000 rows ------------------------------------------------------------------------------


def test_ten_thousand_rows_import_in_bounded_queries(
    admin_client, reference, django_assert_max_num_queries, no_statement_timeout
):
    rows = [
        new_row(
            name_nl=f"Groep {n}",
            name_fr=f"Groupe {n}",
            organization_name=f"Organisatie {n % 50}",
            languages="nl fr" if n % 2 else "nl",
            city_refnis="21004" if n % 3 else "11002",
            postal_code="1000" if n % 3 else "2000",
        )
        for n in range(10_000)
    ]
    content = to_csv(rows)
    assert len(content.encode()) < csv_io.MAX_IMPORT_BYTES
    # Well under one query per row: lookups are loaded once and rows are written in batches
    # (SQLite allows fewer values per query than PostgreSQL, hence the batches it needs).
    with django_assert_max_num_queries(2_500):
        response = upload(admin_client, content)
    assert response.status_code == 302, list(errors_of(response))[:5]
    assert Group.objects.count() == 10_000
    assert Group.objects.filter(published=False).count() == 10_000
    assert Organisation.objects.count() == 50
    assert Group.languages.through.objects.count() == 15_000
    assert Group.history.count() == 10_000
    sample = Group.objects.get(name_nl="Groep 9999")
    assert sample.slug_nl == "groep-9999"
    assert sample.organisation.name == "Organisatie 49"
    assert sample.last_verified == timezone.localdate()


def test_every_translated_field_of_a_group_has_its_columns_per_language():
    from directory.csv.table import TRANSLATED

    assert {column.field for column in TRANSLATED} == set(Group.TRANSLATED_FIELDS)
