"""Editors never lose what they typed: the session kept alive, a warning, and kept changes.

Three pieces, for the admin's forms (issue 14 item 4):

- `keepalive`: admin-ext/unsaved.js asks it, at most every few minutes while the editor types
  or clicks on a form, so that a long stretch of writing is activity (a staff session ends
  after STAFF_SESSION_IDLE_SECONDS without any). Its answer, like the page's own
  `<meta name="ht-session">`, says how long the session has left, for the script's warning
  before it ends.
- `keep_post`: a form saved after the session ended (idle, over its total time, or the browser
  closed) is not lost: the posted fields are kept in the new, signed-out session, which
  signing in keeps (Django's login cycles the key, the data stays). `kept_changes` then shows
  them: "save them now" posts them again to the form (with a fresh CSRF token), or they are
  discarded. Files chosen in the form cannot be kept; the page says so.
- The script also keeps a draft of the open form in the browser (localStorage), offered back
  when the editor returns to the same form.

Kept changes belong to the person who typed them: when the session ended by time the user is
known and only they get the changes back; after the browser was closed nobody is known, and
the changes go to whoever signs in next in that browser (the same browser the editor used).
"""

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

SESSION_KEPT_POST = "ht_kept_post"
# Never kept: the old CSRF token (the form that posts them again has a fresh one).
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})
# At most this much posted text is kept (the session lives in the database).
MAX_KEPT_BYTES = 512 * 1024


def seconds_left(session):
    """{"idle": s, "total": s} before a staff session ends, from the times it carries."""
    from .admin_site import SESSION_LAST_SEEN, SESSION_SIGNED_IN_AT

    now = int(time.time())
    last_seen = session.get(SESSION_LAST_SEEN, now)
    signed_in_at = session.get(SESSION_SIGNED_IN_AT, now)
    return {
        "idle": max(0, settings.STAFF_SESSION_IDLE_SECONDS - (now - last_seen)),
        "total": max(0, settings.STAFF_SESSION_MAX_SECONDS - (now - signed_in_at)),
    }


@require_POST
def keepalive(request):
    """The editor is at work on a form: noted as activity (by the admin's own check, which ran
    before this view), and the time left is returned."""
    return JsonResponse(seconds_left(request.session))


def keep_post(request, user_pk=None):
    """Keep the fields of a form posted after its session ended, in the (new) session.

    Returns the address to send the editor to after signing in: the kept-changes page.
    """
    items = [(k, v) for k, values in request.POST.lists() if k not in NOT_KEPT for v in values]
    if sum(len(k) + len(v) for k, v in items) <= MAX_KEPT_BYTES and items:
        request.session[SESSION_KEPT_POST] = {
            "path": request.path,
            "items": items,
            "files": sorted(request.FILES),
            "user": user_pk,
            "at": int(time.time()),
        }
    return reverse("admin:kept_changes")


def forget_kept(request):
    """The editor discarded the kept changes."""
    request.session.pop(SESSION_KEPT_POST, None)


def posted_again(request):
    """A signed-in editor posts the form the kept changes came from: they are used now."""
    kept = request.session.get(SESSION_KEPT_POST)
    if kept and kept.get("path") == request.path:
        forget_kept(request)


def kept_for(request):
    """The changes kept for this person, or None."""
    kept = request.session.get(SESSION_KEPT_POST)
    if not kept or kept.get("user") not in (None, request.user.pk):
        return None
    if not url_has_allowed_host_and_scheme(kept["path"], allowed_hosts=None):
        return None
    return kept


def kept_changes(request):
    """What was typed before the session ended: save it now, or discard it."""
    kept = kept_for(request)
    if request.method == "POST":  # "discard"
        forget_kept(request)
        messages.info(request, _("The changes you had kept were discarded."))
        return HttpResponseRedirect(kept["path"] if kept else reverse("admin:index"))
    if kept is None:
        messages.info(request, _("There are no unsaved changes waiting for you."))
        return HttpResponseRedirect(reverse("admin:index"))
    from django.contrib import admin

    context = {
        **admin.site.each_context(request),
        "title": _("Your unsaved changes were kept"),
        "kept": kept,
        "kept_at": timezone.localtime(datetime.datetime.fromtimestamp(kept["at"], tz=datetime.UTC)),
        "what": describe(kept["path"]),
    }
    return render(request, "admin/kept_changes.html", context)


def describe(path):
    """("group", "Praatgroep Gent") for an admin form's address; None for what is unknown."""
    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is None:
        return None, None
    model = model_admin.model
    found = None
    if match.kwargs.get("object_id") is not None:
        try:
            found = model._default_manager.filter(pk=match.kwargs["object_id"]).first()
        except (ValueError, ValidationError):
            found = None
    return model._meta.verbose_name, str(found) if found else None
