"""Published groups as open data: HSDS-style records (JSON, CSV) and schema.org JSON-LD."""

import datetime
import json

from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .csv.table import open_data_columns, place_fields
from .schedule import WEEKDAYS, rrule_properties

# The open-data CSV's header: the column table's open-data list (directory/csv/table.py).
CSV_COLUMNS = open_data_columns()


# Real time zones lie between UTC-12:00 and UTC+14:00; PostgreSQL refuses a displacement
# beyond ±15:59 with an error (a 500 before this check), SQLite would compare nonsense.
MAX_OFFSET = datetime.timedelta(hours=14)


class InvalidParameter(ValueError):
    """A query key the open data cannot use: the endpoint answers 400 with this message."""


def parse_modified_after(value):
    """`modified_after`: a date (midnight UTC) or an ISO 8601 datetime, as an aware UTC moment.

    None when the key is absent or empty. Anything else that cannot be used raises
    InvalidParameter: ignoring it would hand a client the whole list as if it were the
    changes it asked for.
    """
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:  # well-formed but impossible: 2026-02-30, 25:00…
        moment = None
    if moment is None:
        raise InvalidParameter(
            _(
                "modified_after must be a date (2026-01-31) or an ISO 8601 date and time "
                "(2026-01-31T08:00:00+01:00)."
            )
        )
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    if abs(moment.utcoffset()) > MAX_OFFSET:
        raise InvalidParameter(
            _("modified_after: the time zone offset must lie between -14:00 and +14:00.")
        )
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first moment in UTC
        raise InvalidParameter(_("modified_after: this moment is out of range.")) from None


def group_record(group, request):
    """One group as a dict with field names borrowed from HSDS 3 (service, location, schedule)."""
    next_session = group.next_session()
    recur = rrule_properties(group) or {}
    return {
        "id": str(group.pk),
        "name": group.name,
        "kind": group.kind,
        "description": group.summary,
        "url": request.build_absolute_uri(group.get_absolute_url()),
        "organization": {
            "name": group.organisation.name,
            "website": group.organisation.website,
        },
        "email": group.registration_email or group.organisation.email,
        "languages": [language.code for language in group.languages.all()],
        "attendance": group.attendance,
        "location": {
            "address_1": group.street_address,
            **place_fields(group),
            "latitude": float(group.latitude) if group.latitude is not None else None,
            "longitude": float(group.longitude) if group.longitude is not None else None,
        }
        if group.in_person
        else None,
        "service_areas": [region.slug for region in group.serves_regions.all()] or ["be"],
        "audiences": [audience.slug for audience in group.audiences.all()],
        "topics": [topic.slug for topic in group.topics.all()],
        "facilitation": group.facilitation,
        "schedule": {
            "freq": recur.get("FREQ", "").lower() if recur else group.frequency,
            "interval": recur.get("INTERVAL", 1) if recur else None,
            "byday": recur.get("BYDAY", ""),
            "opens_at": group.start_time.isoformat(timespec="minutes") if group.start_time else "",
            "duration_minutes": group.duration_minutes,
            "valid_from": group.start_date.isoformat() if group.start_date else "",
            "valid_to": group.end_date.isoformat() if group.end_date else "",
            "description": group.schedule_note,
            "next_session": next_session.isoformat() if next_session else "",
        },
        "fees": group.cost,
        "fees_amount": str(group.cost_amount) if group.cost_amount is not None else "",
        "fees_description": group.cost_note,
        "registration": group.registration,
        "application_process": group.registration_url
        or group.registration_email
        or group.registration_phone,
        "status": group.status,
        "minimum_age": group.min_age,
        "maximum_age": group.max_age,
        "accessibility": group.accessibility,
        "last_modified": group.updated_at.isoformat(),
        "assured_date": group.last_verified.isoformat(),
        "is_demo": group.is_demo,
    }


def flatten(record):
    location = record["location"] or {}
    schedule = record["schedule"]
    return {
        **{k: v for k, v in record.items() if not isinstance(v, dict | list)},
        "organization_name": record["organization"]["name"],
        "organization_url": record["organization"]["website"],
        "languages": " ".join(record["languages"]),
        "audiences": " ".join(record["audiences"]),
        "topics": " ".join(record["topics"]),
        "address_1": location.get("address_1", ""),
        "postal_code": location.get("postal_code", ""),
        "city": location.get("city", ""),
        "city_refnis": location.get("city_refnis", ""),
        "state_province": location.get("state_province", ""),
        "region": location.get("region", ""),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "frequency": schedule["freq"],
        "byday": schedule["byday"],
        "start_time": schedule["opens_at"],
        "duration_minutes": schedule["duration_minutes"],
        "valid_from": schedule["valid_from"],
        "valid_to": schedule["valid_to"],
        "schedule_description": schedule["description"],
        "next_session": schedule["next_session"],
        "fees": record["fees_amount"] or record["fees"],
        "alternate_name": "",
    }


def page_envelope(records, page, request, notes):
    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "language": translation.get_language(),
        "licence": "CC BY 4.0",
        "total_items": page.paginator.count,
        "total_pages": page.paginator.num_pages,
        "page_number": page.number,
        "size": len(records),
        "first_page": page.number == 1,
        "last_page": not page.has_next(),
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "notes": [str(note) for note in notes],
        "contents": records,
    }


ATTENDANCE_MODES = {
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def group_json_ld(group, request):
    """schema.org Event with its eventSchedule, safe to place inside a <script> element."""
    url = request.build_absolute_uri(group.get_absolute_url())
    recur = rrule_properties(group)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": group.name,
        "description": group.summary,
        "url": url,
        "inLanguage": [language.code for language in group.languages.all()],
        "eventAttendanceMode": ATTENDANCE_MODES[group.attendance],
        "eventStatus": "https://schema.org/EventScheduled",
        "organizer": {
            "@type": "Organization",
            "name": group.organisation.name,
            **({"url": group.organisation.website} if group.organisation.website else {}),
        },
        "offers": {
            "@type": "Offer",
            "price": "0" if group.cost == "free" else str(group.cost_amount or ""),
            "priceCurrency": "EUR",
            "url": url,
            "availability": "https://schema.org/InStock"
            if group.status == "open"
            else "https://schema.org/SoldOut",
        },
    }
    locations = []
    if group.in_person and group.municipality_id:
        locations.append(
            {
                "@type": "Place",
                "name": group.venue or group.municipality.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": group.street_address,
                    "postalCode": group.postal_code,
                    "addressLocality": group.municipality.name,
                    "addressCountry": "BE",
                },
            }
        )
    if group.is_online:
        locations.append({"@type": "VirtualLocation", "url": url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    next_session = group.next_session()
    if next_session:
        data["startDate"] = next_session.isoformat()
    if recur and group.start_time:
        schedule = {
            "@type": "Schedule",
            "repeatFrequency": "P2W"
            if recur.get("INTERVAL") == 2
            else ("P1M" if recur["FREQ"] == "MONTHLY" else "P1W"),
            "byDay": f"https://schema.org/{WEEKDAYS[group.weekday].schema_org}",
            "startTime": group.start_time.isoformat(timespec="minutes"),
            "scheduleTimezone": "Europe/Brussels",
            "duration": f"PT{group.duration_minutes}M",
        }
        if group.frequency == "monthly":
            schedule["byMonthWeek"] = group.week_of_month
        if group.start_date:
            schedule["startDate"] = group.start_date.isoformat()
        if group.end_date:
            schedule["endDate"] = group.end_date.isoformat()
        data["eventSchedule"] = schedule
    # A "<" could end the script element; \u003c means the same character to a JSON reader.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
