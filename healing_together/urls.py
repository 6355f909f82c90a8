from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import staff_views, views
from .sitemaps import SITEMAPS

urlpatterns = [
    # admin.site is healing_together.admin_site.StaffAdminSite: sign-in with a second factor.
    path(
        "admin/my-email-language/",
        admin.site.admin_view(staff_views.email_language),
        name="staff_email_language",
    ),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", views.root_redirect, name="root"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path(_("about/"), views.AboutView.as_view(), name="about"),
    path(_("privacy/"), views.PrivacyView.as_view(), name="privacy"),
    path("", include("directory.urls")),
    path("", include("articles.urls")),
    path(_("newsletter/"), include("newsletter.urls")),
)

handler400 = "healing_together.views.bad_request"
handler403 = "healing_together.views.permission_denied"
handler404 = "healing_together.views.page_not_found"
handler500 = "healing_together.views.server_error"

if settings.DEBUG:
    # Development only (make run): uploaded images. In production the proxy or S3 serves them.
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
