"""The editors' admin for the directory.

Every translated field is edited in NL/FR/EN tabs (django-modeltranslation); groups, networks,
platforms and helplines keep their history, with who changed what, and any earlier version can
be restored (django-simple-history). Group descriptions use a rich-text editor and are stored as
sanitised HTML. Geography comes from Statbel (`manage.py load_reference`) and is read-only here.
"""

import datetime
import importlib
import importlib.util

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from healing_together.admin import (
    ADMIN_CSS,
    OBJECT_HISTORY_LIST_TEMPLATE,
    HistoryTranslationAdmin,
    ReadOnlyAdmin,
    ReadOnlyTranslationAdmin,
    RichTextWidget,
)
from healing_together.i18n import LANGUAGE_CODES

from . import csv_io
from .admin_forms import RICH_TEXT_FIELDS, GroupAdminForm, GroupImportForm
from .models import (
    Audience,
    Group,
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

# --- Group list filters -----------------------------------------------------------------------


class FreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            (
                "fresh",
                format_lazy(
                    _("Verified in the last {days} days"), days=settings.GROUP_STALE_AFTER_DAYS
                ),
            ),
            (
                "stale",
                format_lazy(
                    _("Needs verification (over {days} days)"),
                    days=settings.GROUP_STALE_AFTER_DAYS,
                ),
            ),
            (
                "hidden",
                format_lazy(
                    _("Hidden from the site (over {days} days)"),
                    days=settings.GROUP_HIDDEN_AFTER_DAYS,
                ),
            ),
        ]

    def queryset(self, request, queryset):
        method = {
            "fresh": "fresh",
            "stale": "needs_verification",
            "hidden": "hidden_for_staleness",
        }.get(self.value())
        return getattr(queryset, method)() if method else queryset


def missing_translation_filter(code, language_name):
    """A list filter for one language: groups whose name, summary or description is empty."""

    class MissingTranslationFilter(admin.SimpleListFilter):
        title = format_lazy(_("translation in {language}"), language=language_name)
        parameter_name = f"missing_{code}"

        def lookups(self, request, model_admin):
            return [("1", _("Missing name, summary or description")), ("0", _("Complete"))]

        def queryset(self, request, queryset):
            if self.value() == "1":
                return queryset.missing_translation(code)
            if self.value() == "0":
                missing = Group.objects.missing_translation(code).values("pk")
                return queryset.exclude(pk__in=missing)
            return queryset

    MissingTranslationFilter.__name__ = f"Missing{code.title()}TranslationFilter"
    return MissingTranslationFilter


class RegionFilter(admin.SimpleListFilter):
    title = _("region (where it meets, or served online)")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(region.slug, region.name) for region in Region.objects.order_by("code")]

    def queryset(self, request, queryset):
        slug = self.value()
        if not slug:
            return queryset
        areas = Group.serves_regions.through.objects.filter(group=OuterRef("pk"), region__slug=slug)
        online = Q(attendance__in=[Group.Attendance.ONLINE, Group.Attendance.HYBRID])
        return queryset.filter(Q(municipality__region__slug=slug) | (online & Exists(areas)))


# --- Groups -----------------------------------------------------------------------------------


def freshness_of(group):
    """("fresh" | "stale" | "hidden", label) for a group's last verification."""
    age = (timezone.localdate() - group.last_verified).days
    if age > settings.GROUP_HIDDEN_AFTER_DAYS:
        return "hidden", gettext("Too old: off the site")
    if age > settings.GROUP_STALE_AFTER_DAYS:
        return "stale", gettext("Needs verification")
    return "fresh", gettext("Fresh")


@admin.register(Group)
class GroupAdmin(HistoryTranslationAdmin):
    form = GroupAdminForm
    # What needs an editor's eye first; the columns further right scroll on narrow screens.
    list_display = [
        "display_name",
        "freshness",
        "translations",
        "status",
        "published",
        "last_verified",
        "kind",
        "attendance",
        "municipality",
        "organisation",
        "is_demo",
    ]
    list_display_links = ["display_name"]
    list_select_related = ["organisation", "municipality"]
    list_filter = [
        FreshnessFilter,
        "status",
        "published",
        *[missing_translation_filter(code, name) for code, name in settings.LANGUAGES],
        RegionFilter,
        "audiences",
        "kind",
        "attendance",
        "is_demo",
    ]
    date_hierarchy = "last_verified"
    search_fields = [
        *[f"name_{code}" for code in LANGUAGE_CODES],
        "organisation__name",
        "postal_code",
        *[f"municipality__name_{code}" for code in LANGUAGE_CODES],
    ]
    list_per_page = 50
    autocomplete_fields = ["organisation", "municipality"]
    filter_horizontal = ["audiences", "topics", "languages", "serves_regions"]
    readonly_fields = ["next_session_on", "created_at", "updated_at"]
    actions = ["mark_verified_today", "export_selected_csv"]
    history_list_display = ["status", "published", "last_verified"]
    change_list_template = "admin/directory/group/change_list.html"
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
        (_("Your change"), {"fields": ["change_reason"]}),
    ]

    # --- columns ---

    @admin.display(description=_("name"), ordering=f"name_{settings.LANGUAGE_CODE}")
    def display_name(self, obj):
        if obj.name:
            return obj.name
        for code in LANGUAGE_CODES:
            name = getattr(obj, f"name_{code}")
            if name:
                return f"{name} ({code.upper()})"
        return gettext("(no name)")

    @admin.display(description=_("freshness"), ordering="last_verified")
    def freshness(self, obj):
        state, label = freshness_of(obj)
        return format_html('<span class="ht-flag ht-flag-{}">{}</span>', state, label)

    @admin.display(description=_("translations"))
    def translations(self, obj):
        def parts():
            for code, name in settings.LANGUAGES:
                missing = any(
                    not getattr(obj, f"{field}_{code}") for field in ("name", "summary")
                ) or not getattr(obj, f"description_{code}")
                yield (
                    "missing" if missing else "ok",
                    gettext("%(language)s: missing") % {"language": name}
                    if missing
                    else gettext("%(language)s: complete") % {"language": name},
                    code.upper(),
                )

        return format_html(
            '<span class="ht-langs">{}</span>',
            format_html_join(
                " ",
                '<span class="ht-lang ht-lang-{}" title="{}"><span class="ht-visually-hidden">'
                '{}</span><span aria-hidden="true">{}</span></span>',
                ((state, label, label, code) for state, label, code in parts()),
            ),
        )

    # --- form ---

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in RICH_TEXT_FIELDS:
            kwargs["widget"] = RichTextWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason")
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    # --- actions ---

    @admin.action(description=_("Verified today: set the selected groups' date"))
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for group in queryset.select_related("organisation", "municipality"):
            group.last_verified = today
            group._change_reason = gettext("Verified today")
            group._history_user = request.user
            group.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d group marked as verified today.",
                "%(count)d groups marked as verified today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected groups as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self.csv_response(queryset)

    # --- CSV import and export ---

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_import_csv": self.has_add_permission(request)
            and self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def csv_response(self, queryset):
        response = StreamingHttpResponse(
            csv_io.export_lines(queryset), content_type="text/csv; charset=utf-8"
        )
        name = f"groups-{datetime.date.today().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_view(self, request):
        """Every group the list shows with its current filters, search and order, as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(
                request, gettext("These filters are not valid: nothing exported."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:directory_group_changelist"))
        return self.csv_response(changelist.get_queryset(request))

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        result = None
        status = 200
        if request.method == "POST":
            form = GroupImportForm(request.POST, request.FILES)
            if form.is_valid():
                result = csv_io.import_groups(form.cleaned_data["file"], user=request.user)
                if result.ok:
                    self.message_user(request, import_summary(result), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:directory_group_changelist"))
            status = 400
        else:
            form = GroupImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import groups from a CSV file"),
            "opts": self.opts,
            "form": form,
            "result": result,
            "columns": csv_io.columns(),
            "required_columns": csv_io.required_columns(),
            "read_only_columns": csv_io.READ_ONLY,
            "max_megabytes": csv_io.MAX_IMPORT_BYTES // (1024 * 1024),
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/directory/group/import.html", context, status=status
        )


def import_summary(result):
    parts = [
        ngettext(
            "%(count)d group created (not published yet).",
            "%(count)d groups created (not published yet).",
            result.created,
        )
        % {"count": result.created},
        ngettext("%(count)d group updated.", "%(count)d groups updated.", result.updated)
        % {"count": result.updated},
    ]
    if result.organisations_created:
        parts.append(
            ngettext(
                "%(count)d organisation created.",
                "%(count)d organisations created.",
                result.organisations_created,
            )
            % {"count": result.organisations_created}
        )
    return " ".join(parts)


# --- Networks, platforms, helplines -----------------------------------------------------------


@admin.register(Network)
class NetworkAdmin(HistoryTranslationAdmin):
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
class OrganisationAdmin(SimpleHistoryAdmin):
    object_history_list_template = OBJECT_HISTORY_LIST_TEMPLATE
    list_display = ["name", "parent", "website", "email", "phone", "is_demo"]
    list_select_related = ["parent"]
    list_filter = ["is_demo"]
    search_fields = ["name", "website", "email"]
    autocomplete_fields = ["parent"]


@admin.register(Audience, Topic)
class TermAdmin(HistoryTranslationAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = [*[f"name_{code}" for code in LANGUAGE_CODES], "slug"]

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


# The review queues (proposed groups, correction reports) have their own module.
if importlib.util.find_spec(f"{__package__}.admin_moderation"):
    importlib.import_module(f"{__package__}.admin_moderation")
