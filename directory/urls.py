from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "directory"

urlpatterns = [
    path(_("groups/"), views.GroupListView.as_view(), name="group_list"),
    path(_("groups/data.json"), views.GroupDataView.as_view(), {"fmt": "json"}, name="data_json"),
    path(_("groups/data.csv"), views.GroupDataView.as_view(), {"fmt": "csv"}, name="data_csv"),
    path(_("groups/preview/<int:pk>/"), views.GroupPreviewView.as_view(), name="group_preview"),
    path(_("groups/<slug:slug>/"), views.GroupDetailView.as_view(), name="group_detail"),
    path(_("groups/<slug:slug>/calendar.ics"), views.group_ical, name="group_ical"),
    path(
        _("groups/<slug:slug>/report-a-correction/"),
        views.GroupCorrectionView.as_view(),
        name="group_correction",
    ),
    path(
        _("groups/<slug:slug>/report-a-correction/thanks/"),
        views.CorrectionThanksView.as_view(),
        name="group_correction_thanks",
    ),
    path(_("propose-a-group/"), views.ProposeGroupView.as_view(), name="propose"),
    path(_("propose-a-group/thanks/"), views.ProposeThanksView.as_view(), name="propose_thanks"),
    path(_("networks/"), views.NetworkListView.as_view(), name="network_list"),
    path(_("networks/<slug:slug>/"), views.NetworkDetailView.as_view(), name="network_detail"),
    path(_("platforms/"), views.PlatformListView.as_view(), name="platform_list"),
    path(_("help-now/"), views.HelplineListView.as_view(), name="helplines"),
]
