"""Options of the group filters, cached per language until an editor changes a term.

The filter form is built several times per request (once for the results, once per option
count), so its options must not cost a query each time.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from healing_together.cache import VersionCounter

version = VersionCounter("directory:choices-version")
invalidate = version.bump


def cached_choices(name, build):
    key = f"directory:choices:{name}:{translation.get_language()}:{version.get()}"
    choices = cache.get(key)
    if choices is None:
        choices = list(build())
        cache.set(key, choices, 24 * 60 * 60)
    return choices


def _model_choices(model_name, code_field, label=str):
    from django.apps import apps

    def build():
        model = apps.get_model("directory", model_name)
        return [(getattr(obj, code_field), label(obj)) for obj in model.objects.all()]

    return lambda: cached_choices(model_name, build)


region_choices = _model_choices("Region", "slug")
province_choices = _model_choices("Province", "code")
audience_choices = _model_choices("Audience", "slug")
topic_choices = _model_choices("Topic", "slug")
language_choices = _model_choices("SpokenLanguage", "code")


def connect_signals():
    from django.apps import apps

    for model_name in ("Region", "Province", "Audience", "Topic", "SpokenLanguage"):
        model = apps.get_model("directory", model_name)
        post_save.connect(invalidate, sender=model, dispatch_uid=f"choices-save-{model_name}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"choices-del-{model_name}")
