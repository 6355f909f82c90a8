"""Recurring schedules: when a group meets next, and its RFC 5545 recurrence rule.

A group meets every week, every two weeks, or on the nth weekday of each month (e.g. the second
Tuesday), at a local Brussels time, optionally between a first and a last date. Groups with
continuous intake have no fixed sessions.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@dataclass(frozen=True)
class Weekday:
    number: int  # Group.weekday: Monday is 0, as in Python's date.weekday()
    code: str  # RFC 5545 BYDAY, also the CSV's and the open data's `byday`
    rrule: rrule.weekday
    schema_org: str  # https://schema.org/DayOfWeek
    label: Promise  # in the reader's language


# The one table of weekdays: the model's choices, recurrence rules, iCalendar, CSV, JSON-LD.
WEEKDAYS = [
    Weekday(0, "MO", rrule.MO, "Monday", _("Monday")),
    Weekday(1, "TU", rrule.TU, "Tuesday", _("Tuesday")),
    Weekday(2, "WE", rrule.WE, "Wednesday", _("Wednesday")),
    Weekday(3, "TH", rrule.TH, "Thursday", _("Thursday")),
    Weekday(4, "FR", rrule.FR, "Friday", _("Friday")),
    Weekday(5, "SA", rrule.SA, "Saturday", _("Saturday")),
    Weekday(6, "SU", rrule.SU, "Sunday", _("Sunday")),
]


def rule_for(group, after=None):
    """A dateutil rrule for the group's sessions, in naive Brussels local time, or None."""
    if group.frequency == "continuous" or group.weekday is None or group.start_time is None:
        return None
    if group.status == "ended":
        return None
    day = WEEKDAYS[group.weekday].rrule
    first = group.start_date or _anchor(after)
    if after is not None:
        first = _fast_forward(first, group.frequency, after.astimezone(BRUSSELS).date())
    dtstart = datetime.datetime.combine(first, group.start_time)
    until = datetime.datetime.combine(group.end_date, group.start_time) if group.end_date else None
    if group.frequency == "weekly":
        return rrule.rrule(rrule.WEEKLY, byweekday=day, dtstart=dtstart, until=until)
    if group.frequency == "fortnightly":
        return rrule.rrule(rrule.WEEKLY, interval=2, byweekday=day, dtstart=dtstart, until=until)
    if group.frequency == "monthly" and group.week_of_month:
        return rrule.rrule(
            rrule.MONTHLY, byweekday=day(group.week_of_month), dtstart=dtstart, until=until
        )
    return None


def _anchor(after):
    """Without a first date, a weekly rule is anchored on the Monday of the current ISO week.

    The anchor only matters for groups that meet every two weeks; editors give a first date
    for those (the admin asks for it), so the anchor is a stable fallback, not a guess that
    moves every day.
    """
    today = (after or datetime.datetime.now(BRUSSELS)).date()
    year = today.isocalendar().year
    return datetime.date.fromisocalendar(year, 1, 1)


def _fast_forward(first, frequency, today):
    """A later first date with exactly the same sessions from `today` on.

    dateutil walks every session from the first date: for a weekly group started years ago a
    list page would step through hundreds of past dates per card. Weekly and fortnightly rules
    move by whole periods (keeping the phase of a fortnight), monthly rules to the first day of
    the previous month, always leaving at least one period before `today`.
    """
    if frequency in ("weekly", "fortnightly"):
        period = 7 if frequency == "weekly" else 14
        periods = (today - first).days // period - 1
        return first + datetime.timedelta(days=period * periods) if periods > 0 else first
    month_start = today.replace(day=1)
    previous = (month_start - datetime.timedelta(days=1)).replace(day=1)
    return max(first, previous)


def occurrences(group, after, count):
    """Up to `count` session starts after `after`, as aware datetimes in Brussels time."""
    rule = rule_for(group, after)
    if rule is None:
        return []
    local_after = after.astimezone(BRUSSELS).replace(tzinfo=None)
    found = []
    current = rule.after(local_after)
    while current is not None and len(found) < count:
        found.append(current.replace(tzinfo=BRUSSELS))
        current = rule.after(current)
    return found


def next_occurrence(group, after):
    found = occurrences(group, after, 1)
    return found[0] if found else None


def rrule_properties(group):
    """The RRULE of the group's schedule as a dict for icalendar's vRecur."""
    if group.weekday is None or group.frequency == "continuous":
        return None
    day = WEEKDAYS[group.weekday].code
    if group.frequency == "weekly":
        recur = {"FREQ": "WEEKLY", "BYDAY": day}
    elif group.frequency == "fortnightly":
        recur = {"FREQ": "WEEKLY", "INTERVAL": 2, "BYDAY": day}
    elif group.frequency == "monthly" and group.week_of_month:
        recur = {"FREQ": "MONTHLY", "BYDAY": f"{group.week_of_month}{day}"}
    else:
        return None
    if group.end_date and group.start_time:
        end = datetime.datetime.combine(group.end_date, group.start_time, tzinfo=BRUSSELS)
        recur["UNTIL"] = end.astimezone(datetime.UTC)
    return recur
