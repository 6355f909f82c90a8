"""Who among the staff is told about something, and in which language.

The emails to editors (a new proposal, a correction report) go to every active staff member
with an email address who may act on them (the permission), each in the language they chose
(`StaffProfile`, "Language of my emails"; the site's default language until they choose). When
nobody has such an address, the shared mailbox `EDITORS_EMAIL` is told, in the default language.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from .models import language_of


def staff_who_may(permission):
    """Active staff with an email address who hold `permission` ("app_label.codename"),
    directly, through a group, or as superusers."""
    app_label, codename = permission.split(".", 1)
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=granted)
            | Q(groups__permissions__in=granted)
        )
        .distinct()
        .select_related("staff_profile")
        .order_by("pk")
    )


def addresses_by_language(permission):
    """{language: [email, …]} of the staff to tell; the shared mailbox when there is none."""
    grouped = {}
    for user in staff_who_may(permission):
        addresses = grouped.setdefault(language_of(user), [])
        if user.email not in addresses:
            addresses.append(user.email)
    if not grouped and settings.EDITORS_EMAIL:
        grouped[settings.LANGUAGE_CODE] = [settings.EDITORS_EMAIL]
    return grouped
