"""django-simple-history's `HistoricalRecords`, with the history models named in every language.

simple-history names a model's history "historical <verbose name>", in English, joined once
when the model is defined. This one names it "version of <verbose name>" through the catalog
("versie van groep", "version (groupe)"), translated each time it is shown: the revert page's
breadcrumbs and the permission names say it in the editor's language. The models use it in
place of simple-history's.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords as SimpleHistoricalRecords


class HistoricalRecords(SimpleHistoricalRecords):
    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = format_lazy(_("version of {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = format_lazy(
                _("versions of {}"), model._meta.verbose_name_plural
            )
        return meta
