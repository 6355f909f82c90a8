from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from healing_together.admin import (
    ChangeNoteAdmin,
    HistoryTranslationAdmin,
    RichTextWidget,
    new_tab_link,
)
from healing_together.i18n import LANGUAGE_CODES, languages_in_sentence

from .models import Article, Reference
from .querysets import translated_in


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = [
        ("authors", "year"),
        "title",
        ("container", "edition"),
        ("volume", "issue", "pages"),
        ("doi", "url"),
        "order",
    ]


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_CODES:
            return queryset.exclude(translated_in(self.value()))
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    title = _("visible on the site")
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("Not yet or not at all"))]

    def queryset(self, request, queryset):
        live = Q(pk__in=Article.objects.live().values("pk"))
        if self.value() == "yes":
            return queryset.filter(live)
        if self.value() == "no":
            return queryset.exclude(live)
        return queryset


@admin.register(Article)
class ArticleAdmin(ChangeNoteAdmin, HistoryTranslationAdmin):
    """Tabs per language, the rich-text editor, history with revert in every language, and a
    note on each change."""

    # Few enough to fit 1280 px beside the sidebar and the filters (the last change is in the
    # form and its history).
    list_display = ["__str__", "status", "publish_at", "translations", "preview_links"]
    list_filter = [
        "status",
        PublicationFilter,
        MissingTranslationFilter,
        "audiences",
        "topics",
    ]
    search_fields = [f"{field}_{code}" for field in ("title", "summary") for code in LANGUAGE_CODES]
    date_hierarchy = "publish_at"
    filter_horizontal = ["audiences", "topics"]
    inlines = [ReferenceInline]
    actions = ["publish_now", "back_to_draft"]
    readonly_fields = ["preview_links", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Publication"), {"fields": ["status", "publish_at", "preview_links"]}),
        (_("Author"), {"fields": ["author_name", "author_role"]}),
        (_("Audiences and topics"), {"fields": ["audiences", "topics"]}),
        (
            _("Cover image and search engines"),
            {"fields": ["cover", "cover_alt", "meta_description"]},
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["key", "created_at", "updated_at"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name.startswith("body"):
            kwargs["widget"] = RichTextWidget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("audiences", "topics")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        missing = [code for code in LANGUAGE_CODES if not obj.is_translated(code)]
        if obj.status != Article.Status.DRAFT and missing:
            self.message_user(
                request,
                _(
                    "Saved, but not translated into %(languages)s: visitors reading the site "
                    "in that language do not see this article. Fill its title and text there "
                    "to show it to them."
                )
                % {"languages": languages_in_sentence(missing)},
                messages.WARNING,
            )

    @admin.display(description=_("languages"))
    def translations(self, obj):
        return " ".join(code.upper() if obj.is_translated(code) else "—" for code in LANGUAGE_CODES)

    @admin.display(description=_("preview on the site"))
    def preview_links(self, obj):
        if not obj.pk:
            return _("Save the article first.")
        from django.urls import reverse
        from django.utils import translation

        urls = {}
        for code in obj.languages:
            with translation.override(code):
                urls[code] = reverse("articles:preview", args=[obj.pk])
        if not urls:
            return _("Fill the title and text in a language to preview it.")
        # The link's notice in the editor's language, not the preview's.
        links = ((new_tab_link(url, code.upper()),) for code, url in urls.items())
        return format_html_join(" · ", "{}", links)

    @admin.action(description=_("Publish now"))
    def publish_now(self, request, queryset):
        ready = [a for a in queryset if a.languages]
        for article in ready:
            article.status = Article.Status.PUBLISHED
            article.publish_at = min(article.publish_at, timezone.now())
            article.save()
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", len(ready)) % len(ready),
            messages.SUCCESS,
        )
        skipped = queryset.count() - len(ready)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d article has no complete translation and was left as it is.",
                    "%d articles have no complete translation and were left as they are.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Back to draft (hide from the site)"))
    def back_to_draft(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d article is now a draft.", "%d articles are now drafts.", count) % count,
            messages.SUCCESS,
        )
