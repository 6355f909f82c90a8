"""Options of the group filters, cached per language until an editor changes a term.

The filter form is built several times per request (once for the results, once per option
count), so its options must not cost a query each time.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation

VERSION_KEY = "directory:choices-version"


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.set(VERSION_KEY, version, None)
    return version


def invalidate(**_kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def cached_choices(name, build):
    key = f"directory:choices:{name}:{translation.get_language()}:{_version()}"
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
