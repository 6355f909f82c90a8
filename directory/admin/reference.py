"""Networks, platforms, helplines, organisations, terms and languages; Statbel's geography.

Geography comes from Statbel (`manage.py load_reference`) and is read-only here.
"""

from django.contrib import admin

from healing_together.admin import (
    ADMIN_CSS,
    ChangeNoteAdmin,
    HistoryTranslationAdmin,
    ReadOnlyAdmin,
    ReadOnlyTranslationAdmin,
)
from healing_together.history_admin import ReadableHistoryAdmin
from healing_together.i18n import LANGUAGE_CODES

from ..models import (
    Audience,
    Helpline,
    Municipality,
    Network,
    Organisation,
    Platform,
    PostalCode,
    Province,
    Region,
    SpokenLanguage,
    Topic,
)

# --- Networks, platforms, helplines -----------------------------------------------------------


@admin.register(Network)
class NetworkAdmin(ChangeNoteAdmin, HistoryTranslationAdmin):
    list_display = ["name", "kind", "website", "phone", "retrieved"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "municipalities__name_nl", "municipalities__name_fr"]
    filter_horizontal = ["municipalities"]
    history_list_display = ["website", "phone"]


@admin.register(Platform)
class PlatformAdmin(HistoryTranslationAdmin):
    list_display = ["name", "website", "order", "retrieved"]
    list_editable = ["order"]
    list_filter = ["regions"]
    search_fields = ["name", "slug", "website"]
    filter_horizontal = ["regions"]


@admin.register(Helpline)
class HelplineAdmin(HistoryTranslationAdmin):
    list_display = ["number", "name", "hours", "is_emergency", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active", "is_emergency"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "number", "dial"]
    history_list_display = ["active"]


# --- Organisations and taxonomies -------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(ReadableHistoryAdmin):
    list_display = ["name", "parent", "website", "email", "phone", "is_demo"]
    list_select_related = ["parent"]
    list_filter = ["is_demo"]
    search_fields = ["name", "website", "email"]
    autocomplete_fields = ["parent"]

    class Media:
        css = ADMIN_CSS


@admin.register(Audience, Topic)
class TermAdmin(HistoryTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = [
        *[f"{field}_{code}" for field in ("name", "aliases") for code in LANGUAGE_CODES],
        "slug",
    ]

    class Media:
        css = ADMIN_CSS

    def get_readonly_fields(self, request, obj=None):
        # The code is in shared links and the open data: fixed once the term exists.
        return ["slug"] if obj else []


@admin.register(SpokenLanguage)
class SpokenLanguageAdmin(HistoryTranslationAdmin):
    list_display = ["name", "code", "native_name", "order"]
    list_editable = ["order"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "code", "native_name"]

    class Media:
        css = ADMIN_CSS


# --- Geography (Statbel, read-only) -----------------------------------------------------------


@admin.register(Region)
class RegionAdmin(ReadOnlyTranslationAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "code", "slug"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyTranslationAdmin):
    list_display = ["name", "code", "region"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "code"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyTranslationAdmin):
    list_display = ["name", "code", "province", "region"]
    list_select_related = ["province", "region"]
    list_filter = ["region", "province"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "code", "postal_codes__code"]


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["code", *[f"municipality__name_{code}" for code in LANGUAGE_CODES]]
