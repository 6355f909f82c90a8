"""The newsletter's pages: sign up, check your inbox, confirm, unsubscribe.

Thin views: signup.py records sign-ups after the answer, tokens.py reads links, emails.py
writes emails.
"""

import functools

from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from healing_together.i18n import LANGUAGE_CODES
from healing_together.public_forms import over_rate_limit

from . import emails, signup, tokens
from .conf import setting
from .forms import EMAIL_MAX_LENGTH, SubscribeForm
from .models import Subscriber


def render_form(request, form, status=200, **context):
    return render(
        request,
        "newsletter/subscribe.html",
        {"form": form, "days": setting("UNCONFIRMED_DAYS"), **context},
        status=status,
    )


class SubscribeView(View):
    """The newsletter page. Its form carries CSRF protection, a honeypot and a rate limit.

    Whatever the address (new, waiting for confirmation, already subscribed), the answer is
    the same redirect to the same "check your inbox" page, after the same work.
    """

    def get(self, request):
        return render_form(request, SubscribeForm(initial=self.initial()))

    def post(self, request):
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return render_form(request, form)
        # Only complete sign-ups count: someone correcting a typo is never locked out.
        if over_rate_limit(request, "newsletter.subscribe", setting("SIGNUP_RATE")):
            return render_form(request, form, status=429, problem="rate_limited")
        # Everything that depends on the address runs after the answer (signup.py).
        task = functools.partial(
            signup.record_and_mail,
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            interests=form.interests(),
            base=emails.site_url(request),
        )
        return signup.AfterResponseRedirect(resolve_url("newsletter:thanks"), task)

    @staticmethod
    def initial():
        return {"language": translation.get_language()}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def start(request):
    """The footer's small form lands here: the full form, with the address filled in.

    It carries no CSRF token (pages stay cookie-free and cacheable) so it changes nothing:
    it only shows the real form, which has its token, the interests and the consent box.
    """
    if request.method != "POST":
        return redirect("newsletter:subscribe")
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        language = translation.get_language()
    email = request.POST.get("email", "").strip()[: EMAIL_MAX_LENGTH + 1]
    form = SubscribeForm(initial={"email": email, "language": language})
    return render_form(request, form, started=True)


class ThanksView(TemplateView):
    template_name = "newsletter/thanks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            hours=setting("CONFIRM_MAX_AGE") // 3600,
            days=setting("UNCONFIRMED_DAYS"),
            no_alternates=True,
            **kwargs,
        )


TOKEN_PAGE = {"no_alternates": True, "noindex": True}


def token_problem(request, problem, status):
    return render(
        request,
        "newsletter/token_problem.html",
        {
            "problem": problem,
            "days": setting("UNCONFIRMED_DAYS"),
            "hours": setting("CONFIRM_MAX_AGE") // 3600,
            **TOKEN_PAGE,
        },
        status=status,
    )


class TokenButtonView(View):
    """A signed link from an email: GET shows what the button will do, POST does it."""

    button_template = ""

    def get(self, request, token):
        subscriber, problem = self.subscriber(token)
        if problem:
            return problem
        return render(
            request,
            self.button_template,
            {"subscriber": subscriber, "token": token, **TOKEN_PAGE},
        )

    def subscriber(self, token):
        raise NotImplementedError


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ConfirmView(TokenButtonView):
    """GET shows a button, POST confirms: link scanners that open every link in an email
    must not subscribe anyone. The POST needs no CSRF token: the signed link is the secret."""

    button_template = "newsletter/confirm.html"

    def post(self, request, token):
        subscriber, problem = self.subscriber(token)
        if problem:
            return problem
        if not subscriber.confirm():
            return token_problem(self.request, "used", 410)
        return render(
            request, "newsletter/confirmed.html", {"subscriber": subscriber, **TOKEN_PAGE}
        )

    def subscriber(self, token):
        key, problem = tokens.read_confirm_token(token)
        if problem is tokens.Problem.EXPIRED:
            return None, token_problem(self.request, "expired", 410)
        if problem:
            return None, token_problem(self.request, "invalid", 400)
        subscriber = Subscriber.objects.by_key(key).first()
        if subscriber is None:
            return None, token_problem(self.request, "unknown", 404)
        if subscriber.is_confirmed:
            return None, token_problem(self.request, "used", 410)
        return subscriber, None


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(TokenButtonView):
    """One click, no login. Mail programs POST to this address (RFC 8058) without a CSRF
    token; a person who opens the link sees a button, because GET must change nothing (link
    scanners open every link). Unsubscribing erases the address and choices at once."""

    button_template = "newsletter/unsubscribe.html"

    def post(self, request, token):
        subscriber, problem = self.subscriber(token)
        if problem:
            return problem
        subscriber.delete()
        return render(request, "newsletter/unsubscribed.html", TOKEN_PAGE)

    def subscriber(self, token):
        key, problem = tokens.read_unsubscribe_token(token)
        if problem:
            return None, token_problem(self.request, "invalid_unsubscribe", 400)
        subscriber = Subscriber.objects.by_key(key).first()
        if subscriber is None:
            return None, token_problem(self.request, "not_subscribed", 404)
        return subscriber, None
