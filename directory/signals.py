"""Keep each group's stored search text right when the names and words it includes change.

A group's own fields are read in `Group.save()`. Its audiences, topics and languages are saved
after it (the admin saves many-to-many fields after `save()`): `m2m_changed` refreshes it then.
Renaming an organisation, a place or a term refreshes every group that uses it, in bulk.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Audience, Group, Municipality, Organisation, SpokenLanguage, Topic

RELATED_LOOKUP = {
    Organisation: "organisation",
    Municipality: "municipality",
    Audience: "audiences",
    Topic: "topics",
    SpokenLanguage: "languages",
}


@receiver(post_save, sender=Organisation, dispatch_uid="group-search-organisation")
@receiver(post_save, sender=Municipality, dispatch_uid="group-search-municipality")
@receiver(post_save, sender=Audience, dispatch_uid="group-search-audience")
@receiver(post_save, sender=Topic, dispatch_uid="group-search-topic")
@receiver(post_save, sender=SpokenLanguage, dispatch_uid="group-search-language")
def refresh_group_search_text(sender, instance, raw=False, created=False, **kwargs):
    if raw or (created and sender in (Audience, Topic, SpokenLanguage)):
        return  # a new term has no groups yet
    Group.objects.filter(**{RELATED_LOOKUP[sender]: instance}).refresh_search()


@receiver(m2m_changed, sender=Group.audiences.through, dispatch_uid="group-search-audiences")
@receiver(m2m_changed, sender=Group.topics.through, dispatch_uid="group-search-topics")
@receiver(m2m_changed, sender=Group.languages.through, dispatch_uid="group-search-languages")
def refresh_after_terms_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # A term losing all its groups: remember which, to refresh them once it is done.
        instance._search_groups = list(instance.groups.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        pks = [instance.pk]
    elif action == "post_clear":
        pks = getattr(instance, "_search_groups", [])
    else:
        pks = pk_set or []
    if pks:
        Group.objects.filter(pk__in=pks).refresh_search()
