"""The admin's building blocks that every app uses (the admin site itself is in admin_site.py).

- `HistoryTranslationAdmin`: NL/FR/EN tabs (django-modeltranslation) plus the history list,
  with who changed what, and "revert" in every language (django-simple-history, read as a
  person reads it: healing_together.history_admin).
- `ReadOnlyAdmin`, `ReadOnlyTranslationAdmin`: reference data a command loads.
- `ChangeNoteForm`, `ChangeNoteAdmin`: "What did you change?", kept in the history beside
  the change.
- `new_tab_link`: a link that opens in a new tab and says so (the previews).
- `RichTextWidget`: the rich-text editor (django-prose-editor) started under the site's CSP.

Only the staff accounts and authenticator apps are registered here (users_admin.py).
"""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator

from healing_together.history_admin import ReadableHistoryAdmin
from healing_together.i18n import LANGUAGE_CODES

# admin.css: flags, badges, notices; fit.css: the lists and forms fit 1280 and 768 px wide.
ADMIN_CSS = {"all": ["admin-ext/admin.css", "admin-ext/fit.css"]}


def translated_field_names(model):
    """{"name": ["name_nl", "name_fr", "name_en"], …} for a model registered for translation."""
    options = translator.get_options_for_model(model)
    return {
        field: sorted(f.name for f in translation_fields)
        for field, translation_fields in options.all_fields.items()
    }


def new_tab_link(url, text):
    """A link that opens in a new tab, and says so: a screen reader reads "(opens in a new
    tab)", a sighted editor sees ↗ (and the same words as its tooltip)."""
    notice = _("(opens in a new tab)")
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" title="{}">{}'
        '<span aria-hidden="true"> ↗</span><span class="ht-visually-hidden"> {}</span></a>',
        url,
        notice,
        text,
        notice,
    )


class LabelledSplitDateTime(admin_widgets.AdminSplitDateTime):
    """Django's date and time fields, each named for a screen reader: the field's label is tied
    to neither, and the "Date:" / "Time:" before them are plain text."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = _("Date")
        self.widgets[1].attrs["aria-label"] = _("Time")


class HistoryTranslationAdmin(ReadableHistoryAdmin, TabbedTranslationAdmin):
    """Language tabs, plus the history list (who, when, what changed) and "revert".

    The historical records keep every language's text, but simple-history only knows the
    fields the model had before django-modeltranslation added one per language: its "revert"
    page would bring back the current language alone. It is completed here from the record
    itself (the history list compares every language: healing_together.history_display).
    """

    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

    class Media:
        css = ADMIN_CSS
        # Marks the empty language tabs; names what Django's pickers leave unnamed.
        js = ["admin-ext/translation-tabs.js", "admin-ext/selector-fixes.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        history = getattr(obj, "_history", None)
        if history is not None:
            # The revert page: the earlier version's text in every language.
            for names in translated_field_names(self.model).values():
                for name in names:
                    setattr(obj, name, getattr(history, name, None))
        return super().get_form(request, obj, change=change, **kwargs)


# --- The change note ---------------------------------------------------------------------------

CHANGE_NOTE_FIELD = "change_reason"


class ChangeNoteForm(forms.ModelForm):
    """A form with an optional note for the history: what the editor changed, and why."""

    change_reason = forms.CharField(
        label=_("What did you change? (optional)"),
        required=False,
        max_length=100,  # simple-history's history_change_reason
        help_text=_("Kept in the history beside your change, for the other editors."),
    )


class ChangeNoteAdmin(admin.ModelAdmin):
    """Its form ends with "Your change", the note that the history keeps beside the change.

    `form` must be a ChangeNoteForm. The note is placed last, in its own section, whether the
    admin names its fieldsets or lets Django list the fields.
    """

    form = ChangeNoteForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for legend, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", []) if f != CHANGE_NOTE_FIELD]
            fieldsets.append((legend, {**options, "fields": fields}))
        return [*fieldsets, (_("Your change"), {"fields": [CHANGE_NOTE_FIELD]})]

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get(CHANGE_NOTE_FIELD)
        if note:
            obj._change_reason = note
            obj._change_note_typed = True  # a version even if nothing else changed (history.py)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data that a command loads: editors may look, not change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTranslationAdmin(ReadOnlyAdmin, TabbedTranslationAdmin):
    pass


# --- The rich-text editor ---------------------------------------------------------------------

# What editors may write in rich text: nothing else reaches the editor's menu, and
# healing_together.safe_html.sanitise_html removes anything else on save.
RICH_TEXT_EXTENSIONS = {
    "Paragraph": True,
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "History": True,
    # django-prose-editor turns the browser's spelling check off by default: editors want it.
    "NoSpellCheck": False,
}


class RichTextWidget(AdminProseEditorWidget):
    """django-prose-editor, started by our own module so that it runs under the site's CSP.

    The package's presets need an inline import map (a script the CSP refuses) and let Tiptap
    inject a <style> element (refused too). admin-ext/prose-editor.js loads the same editor
    module by its URL, turns style injection off, and admin-ext/prose-editor.css carries those
    styles as a file. Without JavaScript the field stays a plain text area.
    """

    def __init__(self, attrs=None, extensions=None):
        extensions = RICH_TEXT_EXTENSIONS if extensions is None else extensions
        super().__init__(attrs=attrs, config={"extensions": extensions})

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "admin-ext/prose-editor.css",
                ]
            },
            js=[forms.Script("admin-ext/prose-editor.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        # The package's own preset would look for this attribute; ours reads the two below.
        widget_attrs.pop(f"data-django-prose-editor-{self.preset}", None)
        widget_attrs["data-ht-prose-editor"] = json.dumps(self.get_config(), separators=(",", ":"))
        widget_attrs["data-ht-prose-editor-module"] = static("django_prose_editor/editor.js")
        # The browser checks the spelling in the field's own language (body_fr: French); the
        # editor's writing area takes both attributes from the text area.
        code = name.rsplit("_", 1)[-1]
        if code in LANGUAGE_CODES:
            widget_attrs.setdefault("lang", code)
        widget_attrs["spellcheck"] = "true"
        return context


# The one registration here: staff accounts and authenticator apps (superusers' onboarding).
def _register_staff_admin():
    from healing_together.users_admin import register

    register()


_register_staff_admin()
