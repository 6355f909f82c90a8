"""The site's URLs plus /bench/trivial: the cheapest response Django can give through the
whole middleware stack, the ceiling the pages are compared with."""

from django.http import HttpResponse
from django.urls import path

from healing_together.urls import handler404, handler500
from healing_together.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def trivial(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/trivial", trivial, name="bench_trivial"), *site_urlpatterns]
