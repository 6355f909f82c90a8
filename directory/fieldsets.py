"""How a group's fields are grouped, on every page that shows a whole group.

The editors' form (admin), the proposal review page and the public "propose a group" form each
show the fields they have, in this order and under these legends.
"""

from django.utils.translation import gettext_lazy as _

GROUP_SECTIONS = [
    (
        _("The group"),
        [
            "kind",
            "name",
            "slug",
            "organisation",
            "summary",
            "description",
            "facilitation",
            "audiences",
            "topics",
            "languages",
        ],
    ),
    (
        _("Where"),
        [
            "attendance",
            "venue",
            "street_address",
            "postal_code",
            "municipality",
            "latitude",
            "longitude",
            "serves_regions",
            "accessibility",
        ],
    ),
    (
        _("When"),
        [
            "schedule_note",
            "frequency",
            "week_of_month",
            "weekday",
            "start_time",
            "duration_minutes",
            "start_date",
            "end_date",
            "next_session_on",
        ],
    ),
    (
        _("Cost and registration"),
        [
            "cost",
            "cost_amount",
            "cost_note",
            "registration",
            "registration_url",
            "registration_email",
            "registration_phone",
        ],
    ),
    (
        _("Status"),
        [
            "status",
            "min_age",
            "max_age",
            "last_verified",
            "published",
            "is_demo",
            "created_at",
            "updated_at",
        ],
    ),
]


def group_sections(fields=None, shown_as=None):
    """[(legend, [names])]: GROUP_SECTIONS with only `fields` (all when None), in order.

    `shown_as` maps a model field to the name the page shows it under (a read-only display,
    or a form field of its own); sections left empty are dropped.
    """
    shown_as = shown_as or {}
    sections = []
    for legend, names in GROUP_SECTIONS:
        kept = [shown_as.get(name, name) for name in names if fields is None or name in fields]
        if kept:
            sections.append((legend, kept))
    return sections


# What an organiser fills in on the public "propose a group" form (the organisation is asked
# in its own words there), and so what the editors review.
PROPOSED_FIELDS = [
    "kind",
    "name",
    "summary",
    "description",
    "facilitation",
    "audiences",
    "topics",
    "languages",
    "attendance",
    "venue",
    "street_address",
    "postal_code",
    "municipality",
    "accessibility",
    "schedule_note",
    "frequency",
    "week_of_month",
    "weekday",
    "start_time",
    "cost",
    "cost_amount",
    "cost_note",
    "registration",
    "registration_url",
    "registration_email",
    "registration_phone",
]
