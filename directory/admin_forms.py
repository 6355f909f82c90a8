"""Forms and widgets of the directory's admin: the rich-text editor and the CSV upload."""

import json

from django import forms
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from .csv_io import MAX_IMPORT_BYTES
from .rich_text import clean_rich_text, looks_like_html, plain_text_to_html

# What editors may write in a group description: nothing else reaches the editor's menu, and
# healing_together.html.sanitise_html removes anything else on save.
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
}

# Translated fields edited with the rich-text editor, one per language.
RICH_TEXT_FIELDS = {f"description_{code}" for code, _name in settings.LANGUAGES}


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
        return context


HISTORY_M2M_FIELDS = {"audiences", "topics", "languages", "serves_regions"}


class GroupAdminForm(forms.ModelForm):
    """The group form: descriptions as sanitised HTML, and an optional reason for the history."""

    change_reason = forms.CharField(
        label=_("What did you change? (optional)"),
        required=False,
        max_length=100,
        help_text=_("Kept in the history beside your change, for the other editors."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Descriptions written before the rich-text editor are plain text: hand them to the
        # editor as paragraphs so that their line breaks survive.
        for name in RICH_TEXT_FIELDS & set(self.fields):
            value = self.initial.get(name)
            if value and not looks_like_html(value):
                self.initial[name] = plain_text_to_html(value)
        # The history's "revert" page shows an earlier version: its audiences, topics,
        # languages and areas too, not today's (simple-history restores plain fields only).
        history = getattr(self.instance, "_history", None)
        if history is not None and not self.is_bound:
            for name in HISTORY_M2M_FIELDS & set(self.fields):
                rows = getattr(history, name, None)
                if rows is not None:
                    target = self._meta.model._meta.get_field(name).m2m_reverse_field_name()
                    self.initial[name] = [getattr(row, f"{target}_id") for row in rows.all()]

    def clean(self):
        cleaned = super().clean()
        for name in RICH_TEXT_FIELDS & set(cleaned):
            cleaned[name] = clean_rich_text(cleaned[name])
        return cleaned


class GroupImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the editor's language.
        self.fields["file"].help_text = _("UTF-8, at most %(size)d MB.") % {
            "size": MAX_IMPORT_BYTES // (1024 * 1024)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                _("Choose a .csv file (in a spreadsheet: File › Save as › CSV UTF-8).")
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it in parts.")
                % {"size": upload.size / (1024 * 1024), "limit": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload
