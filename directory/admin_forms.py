"""Forms of the directory's admin: the group form and the CSV upload."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .csv_io import MAX_IMPORT_BYTES
from .rich_text import clean_rich_text, looks_like_html, plain_text_to_html

# Translated fields edited with the rich-text editor, one per language.
RICH_TEXT_FIELDS = {f"description_{code}" for code, _name in settings.LANGUAGES}

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
