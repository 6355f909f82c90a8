import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Group, Municipality
from healing_together.text import fold
from tests.factories import make_group, make_organisation

pytestmark = pytest.mark.django_db


def test_fold_removes_case_and_accents():
    assert fold("Thérapie de GROUPE à Liège") == "therapie de groupe a liege"


@pytest.mark.parametrize("query", ["therapie", "THÉRAPIE", "Thérapie", "théra"])
def test_search_ignores_case_and_accents(reference, query):
    match = make_group(name_fr="Thérapie de groupe pour l'anxiété")
    make_group(name_fr="Café des aidants")
    assert list(Group.objects.search(query)) == [match]


def test_search_covers_every_language_organisation_and_place(reference):
    group = make_group(
        name_nl="Rouwgroep",
        description_en="Evenings for widowers",
        organisation=make_organisation(name="Vzw Zonnestraal"),
        municipality=Municipality.objects.get(code="21009"),
        postal_code="1050",
    )
    for query in ("rouwgroep", "widowers", "zonnestraal", "ixelles", "elsene", "1050"):
        assert list(Group.objects.search(query)) == [group], query
    assert not Group.objects.search("rouwgroep zonnestraal antwerpen").exists()


def test_search_text_follows_organisation_rename(reference):
    organisation = make_organisation(name="Oude naam")
    group = make_group(organisation=organisation)
    organisation.name = "Nieuwe naam"
    organisation.save()
    assert list(Group.objects.search("nieuwe")) == [group]


def test_published_hides_drafts_ended_and_stale_listings(reference, settings):
    visible = make_group()
    make_group(published=False)
    make_group(status=Group.Status.ENDED)
    stale = timezone.localdate() - datetime.timedelta(days=settings.GROUP_HIDDEN_AFTER_DAYS + 1)
    make_group(last_verified=stale)
    assert list(Group.objects.published()) == [visible]


def test_near_orders_by_distance_then_online_groups_serving_the_region(reference):
    """Was a rank (municipality, province, region, online); now measured: nearest first, then
    the groups that meet online and serve the region. In-person groups of another region are
    kept when no distance is chosen (Brussels is 41 km from Antwerp), left out beyond it."""
    antwerp = Municipality.objects.get(code="11002")
    here = make_group(municipality=antwerp, postal_code="2000")
    boom = make_group(municipality=Municipality.objects.get(code="11005"), postal_code="2850")
    online = make_group(attendance=Group.Attendance.ONLINE)
    online_flanders = make_group(attendance=Group.Attendance.ONLINE, serves_regions=["flanders"])
    make_group(attendance=Group.Attendance.ONLINE, serves_regions=["wallonia"])
    brussels = make_group()

    def listed(**within):
        ranked = Group.objects.near([antwerp], **within)
        return [
            (g, g.proximity, g.distance_km and round(g.distance_km))
            for g in ranked.order_by("proximity", "distance2", "pk")
        ]

    assert listed() == [
        (here, 0, 0),
        (boom, 0, 14),
        (brussels, 0, 41),
        (online, 3, None),
        (online_flanders, 3, None),
    ]
    assert listed(within_km=25) == [
        (here, 0, 0),
        (boom, 0, 14),
        (online, 3, None),
        (online_flanders, 3, None),
    ]


def test_every_language_gets_a_unique_slug(reference):
    first = make_group(name_nl="Praatgroep", name_fr="Groupe de parole", name_en="")
    second = make_group(name_nl="Praatgroep", name_fr="Groupe", name_en="")
    assert (first.slug_nl, first.slug_fr, first.slug_en) == (
        "praatgroep",
        "groupe-de-parole",
        "praatgroep",
    )
    assert second.slug_nl == "praatgroep-2"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"municipality": None}, "municipality"),
        ({"frequency": "monthly", "week_of_month": None}, "week_of_month"),
        ({"cost": "amount", "cost_amount": None}, "cost_amount"),
        ({"registration": "email", "registration_email": ""}, "registration_email"),
        ({"status": "starts", "start_date": None}, "start_date"),
        (
            {"start_date": datetime.date(2027, 1, 2), "end_date": datetime.date(2027, 1, 1)},
            "end_date",
        ),
    ],
)
def test_inconsistent_groups_are_refused(reference, fields, field):
    with pytest.raises(ValidationError) as error:
        make_group(**fields)
    assert field in error.value.message_dict


def test_published_is_built_once_a_day_and_never_shared(reference, monkeypatch, settings):
    """Group.objects.published() is kept per cut-off date; each call gets its own clone."""
    settings.GROUP_HIDDEN_AFTER_DAYS = 365
    today = timezone.localdate()
    fresh = make_group(name_en="Fresh")
    older = make_group(name_en="Older", last_verified=today - datetime.timedelta(300))
    first = Group.objects.published()
    assert first.query is not Group.objects.published().query
    assert list(first.filter(pk=older.pk)) == [older]  # narrowing a copy…
    assert set(Group.objects.published()) == {fresh, older}  # …leaves the kept one alone
    # Another day's cut-off: the kept queryset follows it, not the first call's.
    settings.GROUP_HIDDEN_AFTER_DAYS = 200
    assert set(Group.objects.published()) == {fresh}
