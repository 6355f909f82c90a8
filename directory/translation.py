from modeltranslation.translator import TranslationOptions, register

from .models import (
    Audience,
    Group,
    Helpline,
    Municipality,
    Network,
    Platform,
    Province,
    Region,
    SpokenLanguage,
    Topic,
)


@register(Region)
@register(Province)
@register(Municipality)
@register(Audience)
@register(Topic)
@register(SpokenLanguage)
class NameOptions(TranslationOptions):
    fields = ("name",)


@register(Group)
class GroupOptions(TranslationOptions):
    fields = (
        "name",
        "slug",
        "summary",
        "description",
        "schedule_note",
        "cost_note",
        "accessibility",
    )


@register(Network)
class NetworkOptions(TranslationOptions):
    fields = ("area_description",)


@register(Platform)
class PlatformOptions(TranslationOptions):
    fields = ("summary",)


@register(Helpline)
class HelplineOptions(TranslationOptions):
    fields = ("name", "description", "hours", "cost")
