"""The groups' admin: the list for editors, the form with every language, and its history.

The CSV export and import pages come from csv_views.GroupCSVMixin.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from healing_together.admin import (
    ChangeNoteAdmin,
    ChangeNoteForm,
    HistoryTranslationAdmin,
    RichTextWidget,
)
from healing_together.i18n import LANGUAGE_CODES, first_translation

from ..fieldsets import group_sections
from ..models import Group
from ..rich_text import clean_rich_text, looks_like_html, plain_text_to_html
from .csv_views import GroupCSVMixin
from .list_filters import FreshnessFilter, RegionFilter, missing_translation_filter
from .notices import group_warnings, published_warning

# Translated fields edited with the rich-text editor, one per language.
RICH_TEXT_FIELDS = {f"description_{code}" for code, _name in settings.LANGUAGES}


class GroupAdminForm(ChangeNoteForm):
    """The group form: descriptions as sanitised HTML, and an optional note for the history."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Descriptions written before the rich-text editor are plain text: hand them to the
        # editor as paragraphs so that their line breaks survive.
        for name in RICH_TEXT_FIELDS & set(self.fields):
            value = self.initial.get(name)
            if value and not looks_like_html(value):
                self.initial[name] = plain_text_to_html(value)
        # (The "revert" page's audiences, topics, languages and areas: ReadableHistoryAdmin.)

    def clean(self):
        cleaned = super().clean()
        for name in RICH_TEXT_FIELDS & set(cleaned):
            cleaned[name] = clean_rich_text(cleaned[name])
        return cleaned


@admin.register(Group)
class GroupAdmin(GroupCSVMixin, ChangeNoteAdmin, HistoryTranslationAdmin):
    form = GroupAdminForm
    # What needs an editor's eye first, few enough to fit 1280 px beside the sidebar and the
    # filters (kind, attendance and demo data are filters; the organisation is searched).
    list_display = [
        "display_name",
        "municipality",
        "freshness",
        "translations",
        "status",
        "published",
    ]
    list_display_links = ["display_name"]
    list_select_related = ["organisation", "municipality"]
    list_filter = [
        FreshnessFilter,
        "status",
        "published",
        *[missing_translation_filter(code) for code, _name in settings.LANGUAGES],
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
    fieldsets = [(legend, {"fields": names}) for legend, names in group_sections()]

    # --- the list: rejected proposals stay in the review queue; the stale, most overdue first ---

    def get_queryset(self, request):
        return super().get_queryset(request).listed()

    def get_ordering(self, request):
        if request.GET.get(FreshnessFilter.parameter_name) in FreshnessFilter.OVERDUE:
            return Group.objects.most_overdue_first().query.order_by
        return super().get_ordering(request)

    # --- columns ---

    @admin.display(description=_("name"), ordering=f"name_{settings.LANGUAGE_CODE}")
    def display_name(self, obj):
        """The name in the editor's language, else another language's, marked with its code."""
        code, name = first_translation(obj, "name", [translation.get_language()])
        if code is None:
            return gettext("(no name)")
        return name if code == translation.get_language() else f"{name} ({code.upper()})"

    @admin.display(description=_("freshness"), ordering="last_verified")
    def freshness(self, obj):
        """Its flag, and the day it was last verified under it."""
        state = obj.freshness
        return format_html(
            '<span class="ht-flag ht-flag-{}">{}</span> <span class="ht-date">{}</span>',
            state,
            state.label,
            date_format(obj.last_verified),
        )

    @admin.display(description=_("translations"))
    def translations(self, obj):
        def parts():
            for code, name in settings.LANGUAGES:
                missing = not obj.is_complete_in(code)
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        if group is not None:
            extra_context = {**(extra_context or {}), "listing_warnings": group_warnings(group)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warning = published_warning(obj)
        if warning:
            self.message_user(request, warning, messages.WARNING)

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
