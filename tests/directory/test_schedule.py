import datetime
import zoneinfo
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import schedule
from directory.models import Group
from directory.schedule import occurrences, rrule_properties

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def group(**fields):
    defaults = {
        "frequency": Group.Frequency.WEEKLY,
        "weekday": 1,
        "start_time": datetime.time(19, 0),
        "status": Group.Status.OPEN,
    }
    defaults.update(fields)
    return Group(**defaults)


def at(*args):
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def test_weekly_group_meets_next_tuesday_evening():
    monday = at(2026, 11, 23, 12, 0)
    assert group().next_session(after=monday) == at(2026, 11, 24, 19, 0)


def test_same_day_after_the_start_time_gives_next_week():
    tuesday_late = at(2026, 11, 24, 20, 0)
    assert group().next_session(after=tuesday_late) == at(2026, 12, 1, 19, 0)


def test_fortnightly_group_follows_its_first_date():
    g = group(
        frequency=Group.Frequency.FORTNIGHTLY, weekday=3, start_date=datetime.date(2026, 11, 5)
    )
    sessions = occurrences(g, at(2026, 11, 20, 0, 0), 3)
    assert [s.date() for s in sessions] == [
        datetime.date(2026, 12, 3),
        datetime.date(2026, 12, 17),
        datetime.date(2026, 12, 31),
    ]


def test_monthly_second_tuesday():
    g = group(frequency=Group.Frequency.MONTHLY, weekday=1, week_of_month=2)
    sessions = occurrences(g, at(2026, 11, 21, 0, 0), 2)
    assert [s.date() for s in sessions] == [datetime.date(2026, 12, 8), datetime.date(2027, 1, 12)]


def test_monthly_last_friday():
    g = group(frequency=Group.Frequency.MONTHLY, weekday=4, week_of_month=-1)
    assert g.next_session(after=at(2026, 11, 21, 0, 0)).date() == datetime.date(2026, 11, 27)


def test_local_time_holds_across_daylight_saving_change():
    g = group(weekday=6, start_time=datetime.time(10, 0))
    before, after = occurrences(g, at(2027, 3, 20, 0, 0), 2)
    assert (before.hour, after.hour) == (10, 10)
    assert before.utcoffset() == datetime.timedelta(hours=1)
    assert after.utcoffset() == datetime.timedelta(hours=2)


def test_no_session_after_the_end_date():
    g = group(end_date=datetime.date(2026, 12, 1))
    assert g.next_session(after=at(2026, 12, 2, 0, 0)) is None


def test_group_that_starts_later_has_its_first_session_then():
    g = group(status=Group.Status.STARTS, start_date=datetime.date(2027, 1, 14), weekday=3)
    assert g.next_session(after=at(2026, 11, 21, 0, 0)) == at(2027, 1, 14, 19, 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"frequency": Group.Frequency.CONTINUOUS},
        {"status": Group.Status.ENDED},
        {"start_time": None},
    ],
)
def test_no_fixed_session(fields):
    assert group(**fields).next_session() is None


def test_rrule_properties():
    assert rrule_properties(group()) == {"FREQ": "WEEKLY", "BYDAY": "TU"}
    assert rrule_properties(group(frequency="fortnightly", weekday=0)) == {
        "FREQ": "WEEKLY",
        "INTERVAL": 2,
        "BYDAY": "MO",
    }
    monthly = rrule_properties(group(frequency="monthly", weekday=1, week_of_month=2))
    assert monthly == {"FREQ": "MONTHLY", "BYDAY": "2TU"}
    until = rrule_properties(group(end_date=datetime.date(2027, 6, 29)))["UNTIL"]
    assert until == datetime.datetime(2027, 6, 29, 17, 0, tzinfo=datetime.UTC)


@settings(max_examples=300, deadline=None)
@given(
    frequency=st.sampled_from(["weekly", "fortnightly", "monthly"]),
    weekday=st.integers(0, 6),
    week_of_month=st.sampled_from([1, 2, 3, 4, -1]),
    start_date=st.none() | st.dates(datetime.date(2018, 1, 1), datetime.date(2027, 12, 31)),
    length=st.none() | st.integers(0, 800),
    after=st.datetimes(datetime.datetime(2019, 1, 1), datetime.datetime(2028, 12, 31)),
)
def test_skipping_past_sessions_changes_no_upcoming_session(
    frequency, weekday, week_of_month, start_date, length, after
):
    """Upcoming sessions are found from a later first date (see _fast_forward): the same
    sessions as walking the rule from its real first date."""
    end_date = start_date + datetime.timedelta(days=length) if start_date and length else None
    subject = group(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        start_date=start_date,
        end_date=end_date,
    )
    after = after.replace(tzinfo=BRUSSELS)
    fast = occurrences(subject, after, 3)
    with mock.patch.object(schedule, "_fast_forward", lambda first, *args: first):
        walked = occurrences(subject, after, 3)
    assert fast == walked
