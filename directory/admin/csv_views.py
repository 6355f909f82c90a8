"""The groups' CSV export and import in the admin (the columns and the work: directory/csv/).

`GroupCSVMixin` adds to GroupAdmin the "export" and "import" pages (admin:directory_group_export
and admin:directory_group_import), the "export the selected groups" action, and the flag the
list's template reads to offer the import.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from directory import csv as group_csv
from directory.csv import MAX_IMPORT_BYTES
from directory.csv.labels import column_label


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


class GroupCSVMixin:
    """The CSV pages and action of the groups' admin."""

    @admin.action(description=_("Export the selected groups as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self.csv_response(queryset)

    def changelist_view(self, request, extra_context=None):
        # The export's separator is the one of the editor's language; the other one too.
        other = "comma" if group_csv.default_separator() == "semicolon" else "semicolon"
        extra_context = {
            "can_import_csv": self.has_add_permission(request)
            and self.has_change_permission(request),
            "csv_other_separator": other,
            "csv_other_separator_label": gettext("Export with commas instead (CSV)")
            if other == "comma"
            else gettext("Export with semicolons instead (CSV)"),
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

    def csv_response(self, queryset, separator=None):
        response = StreamingHttpResponse(
            group_csv.export_lines(queryset, separator), content_type="text/csv; charset=utf-8"
        )
        name = f"groups-{datetime.date.today().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_view(self, request):
        """Every group the list shows with its current filters, search and order, as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # ?sep=comma or ?sep=semicolon: the separator, if not the editor's language's. Not a
        # filter of the list, which would refuse it.
        query = request.GET.copy()
        separator = query.pop("sep", [None])[-1]
        request.GET = query
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(
                request, gettext("These filters are not valid: nothing exported."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:directory_group_changelist"))
        return self.csv_response(changelist.get_queryset(request), separator)

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        result = None
        status = 200
        if request.method == "POST":
            form = GroupImportForm(request.POST, request.FILES)
            if form.is_valid():
                result = group_csv.import_groups(form.cleaned_data["file"], user=request.user)
                if result.ok:
                    self.message_user(request, import_summary(result), messages.SUCCESS)
                    for message in change_messages(result):
                        self.message_user(request, message, messages.INFO)
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
            # (label in the editor's language, name): either may head a column.
            "columns": labelled(group_csv.columns()),
            "required_columns": labelled(group_csv.required_columns()),
            "read_only_columns": labelled(group_csv.READ_ONLY),
            "max_megabytes": group_csv.MAX_IMPORT_BYTES // (1024 * 1024),
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/directory/group/import.html", context, status=status
        )


MAX_CHANGE_MESSAGES = 30


def labelled(names):
    return [(column_label(name), name) for name in names]


def import_summary(result):
    parts = [
        ngettext(
            "%(rows)d row read: %(created)d created (not published yet), %(changed)d changed, "
            "%(unchanged)d unchanged.",
            "%(rows)d rows read: %(created)d created (not published yet), %(changed)d changed, "
            "%(unchanged)d unchanged.",
            result.rows,
        )
        % {
            "rows": result.rows,
            "created": result.created,
            "changed": result.updated,
            "unchanged": result.unchanged,
        }
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


def change_messages(result):
    """One line per group the import changed, naming what changed (the first ones only)."""
    lines = [
        gettext("%(group)s: %(columns)s.") % {"group": name, "columns": ", ".join(columns)}
        for name, columns in result.changes[:MAX_CHANGE_MESSAGES]
    ]
    more = len(result.changes) - MAX_CHANGE_MESSAGES
    if more > 0:
        lines.append(
            ngettext(
                "And %(count)d other group changed.", "And %(count)d other groups changed.", more
            )
            % {"count": more}
        )
    return lines
