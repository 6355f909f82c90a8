from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Healing Together editors")
admin.site.site_title = _("Healing Together editors")

urlpatterns = [
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
)

handler404 = "healing_together.views.page_not_found"
handler500 = "healing_together.views.server_error"
