from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.SubscribeView.as_view(), name="subscribe"),
    path(_("start/"), views.start, name="start"),
    path(_("check-your-inbox/"), views.ThanksView.as_view(), name="thanks"),
    path(format_lazy("{}<str:token>/", _("confirm/")), views.ConfirmView.as_view(), name="confirm"),
    path(
        format_lazy("{}<str:token>/", _("unsubscribe/")),
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
]
