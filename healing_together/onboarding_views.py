"""The page an enrolment link opens (/admin/welcome/<token>/): no sign-in, in the admin's look.

Step 1 (an invitation whose password is not set yet): choose a password. Step 2: scan the QR
code, or type the key, and confirm with the app's first code; the app is then confirmed and
the link stops working. Someone who set their password on this page in this browser is then
signed in; anyone else (a lost phone, or a link opened again later) signs in with their
password and the new code, so a link alone never opens the admin. Every page is in the
language of the link; a bad link gets a page that says what to do, never an error.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import onboarding
from .admin_site import CodeForm
from .public_forms import client_address_block, over_limit

PASSWORD_SET_IN_SESSION = "ht_enrol_password_set"  # noqa: S105 (a session key)
TEMPLATE = "admin/onboarding/enrol.html"


def too_many_tries(request, user):
    """Counts one try at the code; True once this account or this address tried too often."""
    rate = settings.STAFF_ENROLMENT_CODE_RATE
    return over_limit("staff.enrol.user", rate, str(user.pk)) | over_limit(
        "staff.enrol.address", rate, client_address_block(request)
    )


def page(request, context, status=200):
    site = admin.site
    return render(
        request,
        TEMPLATE if "step" in context else "admin/onboarding/link_problem.html",
        {**site.each_context(request), **context},
        status=status,
    )


def link_problem(request, link):
    status = 404 if link.problem == onboarding.Problem.INVALID else 410
    return page(
        request,
        {
            "title": _("This link cannot be used"),
            "problem": str(link.problem),
            "login_url": reverse("admin:login"),
        },
        status=status,
    )


@never_cache
@sensitive_post_parameters("new_password1", "new_password2", "otp_token")
def enrol(request, token):
    link = onboarding.read_token(token)
    language = link.language or translation.get_language()
    with translation.override(language):
        if link.problem is not None:
            response = link_problem(request, link)
        elif link.kind == onboarding.Kind.INVITATION and not link.user.has_usable_password():
            response = password_step(request, link)
        else:
            response = code_step(request, link)
    if link.language:
        # The admin goes on in the language the link was sent in.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            link.language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


def password_step(request, link):
    form = SetPasswordForm(link.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save()
        request.session[PASSWORD_SET_IN_SESSION] = link.user.pk
        return redirect(request.path)
    return page(
        request,
        {"title": _("Welcome: choose your password"), "step": 1, "form": form, "link": link},
    )


def code_step(request, link):
    user = link.user
    device = onboarding.pending_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and too_many_tries(request, user):
        form.is_valid()
        form.add_error(
            None, _("Too many tries. Wait a quarter of an hour, then type the new code.")
        )
    elif form.is_valid() and (wait := onboarding.seconds_to_wait(device)):
        # django_otp's own throttling: each wrong code in a row doubles the wait.
        form.add_error(
            "otp_token",
            ngettext(
                "Too many wrong codes in a row: wait %(seconds)d second, then type the code "
                "the app shows.",
                "Too many wrong codes in a row: wait %(seconds)d seconds, then type the code "
                "the app shows.",
                wait,
            )
            % {"seconds": wait},
        )
    elif form.is_valid():
        if onboarding.confirm_device(device, form.cleaned_data["otp_token"]):
            return confirmed(request, user, device)
        form.add_error(
            "otp_token",
            _(
                "This code is not right. Check that the clock of your phone is right, then "
                "type the code the app shows now."
            ),
        )
    return page(
        request,
        {
            "title": _("Set up your authenticator app"),
            "step": 2,
            "steps": 2 if link.kind == onboarding.Kind.INVITATION else 1,
            "form": form,
            "link": link,
            "qr_svg": onboarding.qr_svg(device),
            "grouped_key": onboarding.grouped_key(device),
        },
    )


def confirmed(request, user, device):
    """Signed in when the password was set in this browser; else to the sign-in page."""
    if request.session.get(PASSWORD_SET_IN_SESSION) == user.pk:
        del request.session[PASSWORD_SET_IN_SESSION]
        user.otp_device = device  # django_otp's user_logged_in receiver keeps it in the session
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Welcome, %(name)s! Your password and your authenticator app are set up. Next "
                "time, sign in with your username %(username)s, your password and a code."
            )
            % {"name": user.get_short_name() or user.get_username(), "username": user.username},
        )
        return redirect("admin:index")
    messages.success(
        request,
        _(
            "Your authenticator app is set up. Sign in with your username %(username)s, your "
            "password and the code the app shows."
        )
        % {"username": user.get_username()},
    )
    return redirect("admin:login")
