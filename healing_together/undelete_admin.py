"""The admin's "Recently deleted" pages (healing_together.undelete): the list, and restoring one.

- `/admin/recently-deleted/` lists what the editor may restore, filtered by type (`?type=`,
  e.g. `directory.group`); a person who may restore none of the types gets a 403.
- `/admin/recently-deleted/<app>/<model>/<version>/` asks to confirm, naming anything that
  stands in the way; its form (POST) restores the object and goes back to the list, with a
  link to the restored object.
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from healing_together import undelete

LIST_TEMPLATE = "admin/recently_deleted.html"
CONFIRM_TEMPLATE = "admin/recently_deleted_confirm.html"


def urls(site):
    return [
        path(
            "recently-deleted/",
            site.admin_view(lambda request: recently_deleted(site, request)),
            name="recently_deleted",
        ),
        path(
            "recently-deleted/<str:app_label>/<str:model_name>/<int:history_id>/",
            site.admin_view(lambda request, **kw: restore_deleted(site, request, **kw)),
            name="recently_deleted_restore",
        ),
    ]


def recently_deleted(site, request):
    allowed = undelete.models_for(request.user)
    if not allowed:
        raise PermissionDenied
    chosen = request.GET.get("type", "")
    only = next((m for m in allowed if undelete.model_key(m) == chosen), None)
    if chosen and only is None:
        raise Http404(_("There is no such type in the list of deleted items."))
    rows = [row(record) for record in undelete.deleted_records(request.user, only=only)]
    context = {
        **site.each_context(request),
        "title": _("Recently deleted"),
        "rows": rows,
        "types": [(undelete.model_key(m), capfirst(m._meta.verbose_name_plural)) for m in allowed],
        "chosen": chosen,
        "limit": undelete.LIST_LIMIT,
    }
    request.current_app = site.name
    return TemplateResponse(request, LIST_TEMPLATE, context)


def row(record):
    model = record.instance_type
    opts = model._meta
    return {
        "record": record,
        "name": undelete.deleted_name(record),
        "kind": capfirst(opts.verbose_name),
        "deleted_by": deleted_by(record),
        "url": reverse(
            "admin:recently_deleted_restore",
            kwargs={
                "app_label": opts.app_label,
                "model_name": opts.model_name,
                "history_id": record.history_id,
            },
        ),
    }


def deleted_by(record):
    user = record.history_user
    if user is None:
        return _("unknown")
    return user.get_full_name() or user.get_username()


def restore_deleted(site, request, app_label, model_name, history_id):
    if (app_label, model_name) not in undelete.RESTORABLE:
        raise Http404(_("There is no such type in the list of deleted items."))
    model = apps.get_model(app_label, model_name)
    if not undelete.may_restore(request.user, model):
        raise PermissionDenied
    list_url = reverse("admin:recently_deleted", current_app=site.name)
    record = undelete.deleted_record(model, history_id)
    if record is None:
        messages.info(
            request,
            _("That item is no longer in the list of deleted items: it may be restored already."),
        )
        return redirect(list_url)
    name = undelete.deleted_name(record)
    status = 200
    if request.method == "POST":
        try:
            obj = undelete.restore(record, request.user)
        except undelete.NotRestorable as error:
            problems, status = error.problems, 409
        else:
            messages.success(request, restored_message(obj))
            return redirect(list_url)
    else:
        problems = undelete.problems_of(record)
    context = {
        **site.each_context(request),
        "title": _("Restore “%(name)s”?") % {"name": name},
        "row": row(record),
        "version": undelete.last_version(record),
        "children": undelete.cascaded_count(record),
        "problems": problems,
        "list_url": list_url,
        "opts": model._meta,
    }
    request.current_app = site.name
    return TemplateResponse(request, CONFIRM_TEMPLATE, context, status=status)


def restored_message(obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html(
        '{} <a href="{}">{}</a>',
        _("“%(name)s” (%(kind)s) is back.") % {"kind": opts.verbose_name, "name": obj},
        url,
        _("Open it"),
    )
