""" "Add to calendar": an RFC 5545 iCalendar file with the group's recurrence rule."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from .schedule import BRUSSELS, rrule_properties


def group_calendar(group, url):
    ics = Calendar()
    ics.add("prodid", "-//Healing Together//Group directory//EN")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("method", "PUBLISH")
    first = group.next_session()
    if first is None:
        return ics.to_ical()
    recur = rrule_properties(group)
    event = Event()
    event.add("uid", f"group-{group.pk}@healing-together.be")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    # A recurring event starts at its first session; without a first date, at the next one.
    start = (
        datetime.datetime.combine(group.start_date, group.start_time, tzinfo=BRUSSELS)
        if group.start_date and recur
        else first
    )
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=group.duration_minutes))
    if recur:
        event.add("rrule", vRecur(recur))
    event.add("summary", group.name)
    if group.summary:
        event.add("description", f"{group.summary}\n\n{url}")
    else:
        event.add("description", url)
    event.add("url", url)
    location = ", ".join(
        part
        for part in (
            group.venue,
            group.street_address,
            group.postal_code,
            group.municipality.name if group.municipality_id else "",
        )
        if part
    )
    if group.in_person and location:
        event.add("location", location)
    elif group.is_online:
        event.add("location", "Online")
    ics.add_component(event)
    return ics.to_ical()
