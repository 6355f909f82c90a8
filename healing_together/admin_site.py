"""The editors' admin site: two-factor sign-in, a clear lockout page and shorter staff sessions.

`StaffAdminSite` is Django's default admin site here (see `StaffAdminConfig` in apps.py), so
every `@admin.register` in the project lands on it without importing it.

- Sign-in asks for the username, the password and the 6-digit code of the person's
  authenticator app (TOTP, django-otp). A staff account without a confirmed TOTP device cannot
  get in (`manage.py create_editor` sets one up); it is told the same as for a wrong code, so
  the answer never confirms a password.
- Every failed sign-in — a wrong password *or* a wrong code — counts towards django-axes'
  lockout (5 failures → 1 hour, per username and address block, counted in the database). The
  page that says so tells when to try again.
- Staff sessions end when the browser closes, after 2 hours without activity, and at the
  latest 8 hours after signing in (settings STAFF_SESSION_IDLE_SECONDS and
  STAFF_SESSION_MAX_SECONDS). `staff_access_response` applies this, with the two-factor check,
  to every admin page and to the public-template previews.
- "Recently deleted" (`/admin/recently-deleted/`, healing_together.undelete_admin): undo a
  delete.
"""

import time
from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import unsaved
from .public_forms import client_address_block

SESSION_SIGNED_IN_AT = "ht_staff_signed_in_at"
SESSION_LAST_SEEN = "ht_staff_last_seen"
# The last-activity time is written to the session at most this often (seconds), not on
# every request.
LAST_SEEN_RESOLUTION = 60


def confirmed_totp_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def clean_code(value):
    """A code typed from an authenticator app, without its spaces; refused unless 6 digits."""
    token = "".join(value.split())
    digits = getattr(settings, "OTP_TOTP_DIGITS", 6)
    if not (token.isascii() and token.isdigit() and len(token) == digits):
        raise forms.ValidationError(
            _("Enter the 6-digit code from your authenticator app, digits only."),
            code="invalid_token",
        )
    return token


class CodeForm(forms.Form):
    """The code an authenticator app shows now: at sign-in, and to confirm a new app."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code your authenticator app shows now for Healing Together."),
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_otp_token(self):
        return clean_code(self.cleaned_data["otp_token"])


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Username, password and the current code of the person's authenticator app.

    Every wrong answer gets the same message, so the form never tells a stranger that they
    found the right password: a wrong code, and the right password of an account without a
    confirmed authenticator, are reported to django-axes as a failed sign-in, like a wrong
    password.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "The username, password or code is not right. Check them and try again: the code "
            "changes every 30 seconds, and the username and password are case-sensitive."
        ),
    }

    otp_token = CodeForm.base_fields["otp_token"]
    clean_otp_token = CodeForm.clean_otp_token

    def clean(self):
        if "otp_token" not in self.cleaned_data:
            # No usable code: ask for it without checking the password, so that this answer
            # says nothing about the password either.
            return self.cleaned_data
        cleaned = super().clean()  # checks the password (through axes) and is_staff
        user = self.get_user()
        if user is not None:
            self.verify_code(user, self.cleaned_data["otp_token"])
        return cleaned

    def verify_code(self, user, token):
        with transaction.atomic():
            devices = list(confirmed_totp_devices(user).select_for_update())
            for device in devices:
                if device.verify_token(token):
                    # django_otp's user_logged_in receiver stores this device in the session.
                    user.otp_device = device
                    return
        user_login_failed.send(
            sender=__name__,
            credentials={settings.AXES_USERNAME_FORM_FIELD: user.get_username()},
            request=self.request,
        )
        raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class StaffAdminSite(admin.AdminSite):
    site_header = _("Healing Together editors")
    site_title = _("Healing Together editors")
    login_form = StaffAuthenticationForm

    def has_permission(self, request):
        """Active staff, signed in with a second factor (django_otp's OTPMiddleware)."""
        user = request.user
        return super().has_permission(request) and bool(
            getattr(user, "is_verified", None) and user.is_verified()
        )

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        @wraps(protected)
        def inner(request, *args, **kwargs):
            expired = self.expired_session_response(request)
            if expired is not None:
                return expired
            if request.method == "POST":
                if not self.has_permission(request):  # the session ended with the browser
                    return self.sign_in_again(request)
                unsaved.posted_again(request)
            return protected(request, *args, **kwargs)

        return inner

    def get_urls(self):
        from .onboarding_views import enrol
        from .undelete_admin import urls

        return [
            *urls(self),
            # The enrolment link of an email (onboarding.py): no sign-in, the link is the key.
            path("welcome/<str:token>/", enrol, name="enrol"),
            path("keepalive/", self.admin_view(unsaved.keepalive), name="keepalive"),
            path("unsaved/", self.admin_view(unsaved.kept_changes), name="kept_changes"),
            *super().get_urls(),
        ]

    def each_context(self, request):
        context = super().each_context(request)
        if self.has_permission(request):
            # For admin-ext/unsaved.js: the warning before the session ends.
            context["staff_session"] = unsaved.seconds_left(request.session)
        return context

    def expired_session_response(self, request):
        """Sign out a staff session over its idle or total time: the sign-in page, with a
        message saying why. None while the session is still good."""
        if not staff_session_expired(request):
            return None
        user_pk = request.user.pk
        logout(request)
        messages.info(
            request, _("You were signed out to protect your account. Please sign in again.")
        )
        return self.sign_in_again(request, user_pk)

    def sign_in_again(self, request, user_pk=None):
        """The sign-in page, then back here; a form's posted fields are kept for after it."""
        if request.path == reverse("admin:keepalive", current_app=self.name):
            return JsonResponse({"idle": 0, "total": 0}, status=401)
        next_url = request.get_full_path()
        if request.method == "POST" and request.path != reverse(
            "admin:logout", current_app=self.name
        ):
            next_url = unsaved.keep_post(request, user_pk)
            messages.warning(
                request,
                _("What you typed was not lost: sign in again, then save it."),
            )
        return redirect_to_login(next_url, reverse("admin:login", current_app=self.name))


def staff_access_response(request, permission, not_found_message):
    """The admin's own checks, for a staff page outside the admin (the public-template previews).

    Anyone who is not active staff signed in with a second factor and holding `permission`
    gets a 404 (Http404(not_found_message)), the same as for an address that does not exist. A
    staff session over its idle or total time is signed out and sent to the sign-in page, as in
    the admin. None when the page may be shown.
    """
    site = admin.site
    if not (site.has_permission(request) and request.user.has_perm(permission)):
        raise Http404(not_found_message)
    return site.expired_session_response(request)


def start_staff_session(sender, request, user, **kwargs):
    """On signing in: the session ends with the browser and its clock starts now.

    Without this the cookie would carry Django's default lifetime until the first admin page.
    Connected to `user_logged_in` in apps.py.
    """
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_LAST_SEEN] = now
    request.session.set_expiry(0)


def staff_session_expired(request):
    """True when a signed-in staff session is over its idle or total time; else note activity.

    The session cookie is also made to end with the browser.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = request.session
    now = int(time.time())
    signed_in_at = session.get(SESSION_SIGNED_IN_AT)
    last_seen = session.get(SESSION_LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        session[SESSION_SIGNED_IN_AT] = signed_in_at or now
        session[SESSION_LAST_SEEN] = now
    elif (
        now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS
        or now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS
    ):
        return True
    elif now - last_seen >= LAST_SEEN_RESOLUTION:
        session[SESSION_LAST_SEEN] = now
    if not session.get_expire_at_browser_close():
        session.set_expiry(0)
    return False


def client_ip_address(request):
    """The address django-axes counts failures for: the same block as the public forms' limits
    (one IPv4 address, one IPv6 /64 network)."""
    return client_address_block(request)


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows once sign-in is locked: what happened and when to retry.

    Each attempt made during the lockout starts the hour again, so the time to retry is one
    cool-off period from now.
    """
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request) or timedelta(hours=1)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in blocked for now"),
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "retry_at": retry_at,
        "login_url": reverse("admin:login", current_app=admin.site.name),
    }
    response = render(
        request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
