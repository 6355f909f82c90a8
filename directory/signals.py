"""Keep each group's stored search text right when the names it includes change."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Group, Municipality, Organisation


@receiver(post_save, sender=Organisation, dispatch_uid="group-search-organisation")
@receiver(post_save, sender=Municipality, dispatch_uid="group-search-municipality")
def refresh_group_search_text(sender, instance, raw=False, **kwargs):
    if raw:
        return
    lookup = "organisation" if sender is Organisation else "municipality"
    for group in Group.objects.filter(**{lookup: instance}).select_related(
        "organisation", "municipality"
    ):
        group.refresh_derived()
        Group.objects.filter(pk=group.pk).update(
            search_text=group.search_text, next_session_on=group.next_session_on
        )
