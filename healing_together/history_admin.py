"""The history pages of the admin, as an editor reads them (healing_together.history_display).

`ReadableHistoryAdmin` (simple-history's admin, completed):
- the history list names each change by its field's label, with values as the form shows
  them, a restore as a restore, and a link to compare each version with the one before;
- the form and the "restore" page save inside `one_entry_per_save`: one version per save,
  the codes (audiences, topics…) included; a restore's change reason names its version;
- a side-by-side view of two versions (`<pk>/history/compare/?older=…&newer=…`);
- the delete page says that "Recently deleted" can undo it (healing_together.undelete).
"""

from django.contrib.admin.utils import label_for_field, unquote
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from healing_together.history import (
    history_model_of,
    load_m2m,
    one_entry_per_save,
    recorded_m2m,
    restore_reason,
    restored_from,
)
from healing_together.history_display import Reader, describe_reason

OBJECT_HISTORY_LIST_TEMPLATE = "admin/object_history_list.html"
COMPARE_TEMPLATE = "admin/history_compare.html"
DELETE_TEMPLATE = "admin/ht_delete_confirmation.html"


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = OBJECT_HISTORY_LIST_TEMPLATE
    delete_confirmation_template = DELETE_TEMPLATE

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        # Before simple-history's "<pk>/history/<version>/", which would take "compare".
        return [compare, *super().get_urls()]

    # --- one version per save; restores ------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        history = getattr(obj, "_history", None)
        if history is None:
            return form
        # The "restore" page shows the earlier version's codes (audiences, topics…) too, not
        # today's: simple-history restores plain fields only.
        codes = {name: sorted(pks) for name, pks in recorded_m2m(history).items()}

        class RestoreForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    for name, pks in codes.items():
                        if name in self.fields:
                            self.initial[name] = pks

        return RestoreForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(), one_entry_per_save():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._ht_restoring = version_id
        with transaction.atomic(), one_entry_per_save():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "_ht_restoring", None)
        if version_id is not None and str(version_id).isdigit():
            obj._change_reason = restore_reason(version_id, getattr(obj, "_change_reason", ""))
        super().save_model(request, obj, form, change)

    def delete_view(self, request, object_id, extra_context=None):
        # The delete page says where to undo it, for the types "Recently deleted" restores.
        from healing_together import undelete

        if undelete.may_undo(request.user, self.model):
            url = reverse("admin:recently_deleted", current_app=self.admin_site.name)
            extra_context = {**(extra_context or {}), "undelete_url": url}
        return super().delete_view(request, object_id, extra_context)

    # --- the history list --------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        # The history table's extra columns headed by the fields' labels, not their names.
        labels = [
            label_for_field(name, self.model, model_admin=self)
            for name in self.history_list_display
        ]
        extra_context = {**(extra_context or {}), "history_list_labels": labels}
        return super().history_view(request, object_id, extra_context=extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        history_model = history_model_of(self.model)
        reader = Reader(history_model)
        # The page's versions and the one before the last, their codes read together.
        before = records[-1].prev_record if records else None
        load_m2m(history_model, [*records, *([before] if before else [])])
        for index, record in enumerate(records):
            older = records[index + 1] if index + 1 < len(records) else before
            record.readable_changes = reader.changes(older, record) if older else []
            record.previous_version = older
            record.readable_reason = describe_reason(record)
            record.is_restore = restored_from(record.history_change_reason) is not None

    # --- two versions side by side -----------------------------------------------------------

    def history_compare_view(self, request, object_id):
        history_model = history_model_of(self.model)
        object_id = unquote(object_id)
        versions = history_model.objects.filter(id=object_id).order_by(
            "-history_date", "-history_id"
        )
        listed = list(versions.only("history_id", "history_date", "history_type"))
        if not listed:
            raise Http404
        obj = self.get_queryset(request).filter(pk=object_id).first() or listed[0].instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise Http404
        newer = self._version(versions, request.GET.get("newer")) or versions.first()
        older = self._version(versions, request.GET.get("older")) or newer.prev_record
        if older is not None and older.history_date > newer.history_date:
            older, newer = newer, older
        rows = Reader(history_model).compare(older, newer)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare two versions of %(name)s") % {"name": obj},
            "opts": opts,
            "app_label": opts.app_label,
            "object": obj,
            "versions": listed,
            "older": older,
            "newer": newer,
            "rows": rows,
            "changed_count": sum(row.changed for row in rows),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, COMPARE_TEMPLATE, context)

    @staticmethod
    def _version(versions, value):
        if not value:
            return None
        if not str(value).isdigit():
            raise Http404
        return get_object_or_404(versions, history_id=int(value))
