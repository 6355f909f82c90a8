import datetime

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from articles.models import Article
from directory.models import Audience

from .i18n import alternate_paths, visitor_language

# Bump when the privacy notice changes in substance.
PRIVACY_UPDATED = datetime.date(2026, 11, 21)


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audiences=Audience.objects.all(),
            articles=Article.objects.public().for_listing()[:3],
            is_home=True,
            **kwargs,
        )


class LocalisedContentView(TemplateView):
    """A page whose long text is written per language in templates/pages/content/."""

    template_name = "pages/content_page.html"
    content_name = ""
    title = ""

    def get_context_data(self, **kwargs):
        language = translation.get_language()
        return super().get_context_data(
            title=self.title,
            content_template=f"pages/content/_{self.content_name}.{language}.html",
            **kwargs,
        )


class AboutView(LocalisedContentView):
    content_name = "about"
    title = translation.gettext_lazy("About Healing Together")


class PrivacyView(LocalisedContentView):
    content_name = "privacy"
    title = translation.gettext_lazy("Privacy")

    def get_context_data(self, **kwargs):
        return super().get_context_data(privacy_updated=PRIVACY_UPDATED, **kwargs)


@require_GET
def root_redirect(request):
    """`/` sends the visitor to the language their browser prefers.

    English when the browser asks only for languages the site lacks, Dutch when it asks for
    none (healing_together.i18n.browser_language).
    """
    language = visitor_language(request)
    response = HttpResponseRedirect(f"/{language}/")
    response["Vary"] = "Accept-Language"
    return response


@require_POST
def set_language(request):
    """Switch language without JavaScript and without a cookie: the language is in the URL.

    An unknown language or a `next` pointing to another site is ignored: the visitor lands on
    the home page of a language the site has.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    codes = {code for code, _name in settings.LANGUAGES}
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if language not in codes:
        language = translation.get_language()
    if not safe or not next_url.startswith("/"):
        return HttpResponseRedirect(reverse_in("home", language))
    return HttpResponseRedirect(translate_url(next_url, language))


def reverse_in(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, **kwargs)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _error_language(request):
    """The path's language; for a path without one (/de/gruppen/), the browser's."""
    return visitor_language(request)


def error_page(request, template_name, status):
    """An error page in the visitor's language. Its language switcher leaves the query string
    out: the request may have failed on it (more keys than Django reads, TooManyFieldsSent),
    and reading it again here would turn a 400 into a 500."""
    with translation.override(_error_language(request)):
        context = {"alternates": alternate_paths(request, keep_query=False)}
        return render(request, template_name, context, status=status)


def bad_request(request, exception=None):
    """400 in the site's style. Unlike Django's default view it has no CSRF decorator: that
    reads request.POST again, and a body the request could not decode (a form in UTF-7, or
    Latin-1 bytes) would raise once more and turn the 400 into a 500."""
    if isinstance(exception, DisallowedHost):
        with translation.override(_error_language(request)):
            # The page's links are built from the Host header that was just refused.
            return HttpResponseBadRequest(
                translation.gettext("We could not understand this request"),
                content_type="text/plain; charset=utf-8",
            )
    return error_page(request, "400.html", 400)


def page_not_found(request, exception=None):
    return error_page(request, "404.html", 404)


def server_error(request):
    return error_page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    return error_page(request, "403_csrf.html", 403)


def permission_denied(request, exception=None):
    """403: in the admin's frame for staff on an admin page, else in the site's style."""
    from django.contrib import admin

    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user and user.is_staff:
        with translation.override(_error_language(request)):
            context = {
                **admin.site.each_context(request),
                "title": translation.gettext("No access to this page"),
            }
            return render(request, "admin/403.html", context, status=403)
    return error_page(request, "403.html", 403)
