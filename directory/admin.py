from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import (
    Audience,
    Group,
    Helpline,
    Municipality,
    Network,
    Organisation,
    Platform,
    Province,
    Region,
    SpokenLanguage,
    Topic,
)


@admin.register(Group)
class GroupAdmin(TabbedTranslationAdmin):
    list_display = [
        "name",
        "kind",
        "municipality",
        "attendance",
        "status",
        "published",
        "last_verified",
        "is_demo",
    ]
    list_filter = [
        "published",
        "kind",
        "status",
        "attendance",
        "municipality__region",
        "audiences",
        "is_demo",
    ]
    search_fields = ["name", "organisation__name", "postal_code", "municipality__name"]
    autocomplete_fields = ["organisation", "municipality"]
    filter_horizontal = ["audiences", "topics", "languages", "serves_regions"]
    readonly_fields = ["next_session_on", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
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
                ]
            },
        ),
        (
            _("Where"),
            {
                "fields": [
                    "attendance",
                    "venue",
                    "street_address",
                    "postal_code",
                    "municipality",
                    "latitude",
                    "longitude",
                    "serves_regions",
                    "accessibility",
                ]
            },
        ),
        (
            _("When"),
            {
                "fields": [
                    "frequency",
                    "weekday",
                    "week_of_month",
                    "start_time",
                    "duration_minutes",
                    "start_date",
                    "end_date",
                    "schedule_note",
                    "next_session_on",
                ]
            },
        ),
        (
            _("Cost and registration"),
            {
                "fields": [
                    "cost",
                    "cost_amount",
                    "cost_note",
                    "registration",
                    "registration_url",
                    "registration_email",
                    "registration_phone",
                ]
            },
        ),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "min_age",
                    "max_age",
                    "last_verified",
                    "published",
                    "is_demo",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "is_demo"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(TabbedTranslationAdmin):
    list_display = ["name", "code", "province", "region"]
    list_filter = ["region", "province"]
    search_fields = ["name_nl", "name_fr", "code", "postal_codes__code"]


@admin.register(Network)
class NetworkAdmin(TabbedTranslationAdmin):
    list_display = ["name", "kind", "website", "retrieved"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(Platform)
class PlatformAdmin(TabbedTranslationAdmin):
    list_display = ["name", "website", "order"]


@admin.register(Helpline)
class HelplineAdmin(TabbedTranslationAdmin):
    list_display = ["number", "name", "is_emergency", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(Audience, Topic)
class TermAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]


@admin.register(SpokenLanguage)
class SpokenLanguageAdmin(TabbedTranslationAdmin):
    list_display = ["name", "code", "native_name", "order"]
    search_fields = ["code", "name"]


admin.site.register([Region, Province], TabbedTranslationAdmin)
