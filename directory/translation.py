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
@register(SpokenLanguage)
@register(SpokenLanguage.history.model)
class NameOptions(TranslationOptions):
    fields = ("name",)


@register(Audience)
@register(Audience.history.model)
@register(Topic)
@register(Topic.history.model)
class TermOptions(TranslationOptions):
    fields = ("name", "aliases")


@register(Group)
@register(Group.history.model)
class GroupOptions(TranslationOptions):
    # A group proposed in one language is listed in all three until an editor translates it:
    # its text falls back to another language (templates mark it with `lang`, see lang_attr).
    fallback_languages = {"default": ("nl", "fr", "en")}
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
@register(Network.history.model)
class NetworkOptions(TranslationOptions):
    fields = ("area_description",)


@register(Platform)
@register(Platform.history.model)
class PlatformOptions(TranslationOptions):
    fields = ("summary",)


@register(Helpline)
@register(Helpline.history.model)
class HelplineOptions(TranslationOptions):
    fields = ("name", "description", "hours", "cost")


# The history models above keep every language's text, so an editor can restore any of them.
