"""The import's columns that name another object: the organisation and the place.

They are looked up in the tables loaded once per import (cells.Lookups); a new organisation
is kept aside, to be created with the groups.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from directory.models import Organisation
from directory.postcodes import parse_postcode


class RelatedColumnsMixin:
    """GroupImporter's reading of organization_* and postal_code/city_refnis.

    Uses the importer's `header` (the file's column names), `lookups` and `new_organisations`.
    """

    def apply_organisation(self, group, record, creating, error):
        organisation = None
        value = record.get("organization_id", "") if "organization_id" in self.header else ""
        name = record.get("organization_name", "")
        if value:
            if not value.isdigit() or int(value) not in self.lookups.organisations:
                error(
                    "organization_id",
                    _("No organisation has the id %(id)s. Leave it empty to use the name.")
                    % {"id": value},
                )
                return
            organisation = self.lookups.organisations[int(value)]
        elif name:
            organisation = self.lookups.organisations_by_name.get(name.casefold())
            if organisation is None:
                organisation = self.new_organisation(name, record, error)
        elif creating:
            error("organization_name", _("Required: the organisation that runs the group."))
        if organisation is not None:
            group.organisation = organisation

    def new_organisation(self, name, record, error):
        website = record.get("organization_url", "") if "organization_url" in self.header else ""
        if len(name) > Organisation._meta.get_field("name").max_length:
            error("organization_name", _("At most 200 characters."))
            return None
        if website:
            try:
                URLValidator()(website)
            except ValidationError:
                error("organization_url", _("Not a web address: it starts with https://."))
                return None
        organisation = Organisation(name=name, website=website)
        self.lookups.organisations_by_name[name.casefold()] = organisation
        self.new_organisations.append(organisation)
        return organisation

    def apply_place(self, group, record, error):
        has_refnis, has_postcode = "city_refnis" in self.header, "postal_code" in self.header
        if not (has_refnis or has_postcode):
            return
        refnis = record.get("city_refnis", "")
        postcode = record.get("postal_code", "")
        municipality = None
        if refnis:
            municipality = self.lookups.municipalities.get(refnis)
            if municipality is None:
                error(
                    "city_refnis",
                    _("Unknown municipality code (REFNIS) %(code)s.") % {"code": refnis},
                )
                return
        if postcode:
            places = self.lookups.postcodes.get(postcode)
            if parse_postcode(postcode) is None or places is None:
                error("postal_code", _("Unknown Belgian postcode %(code)s.") % {"code": postcode})
                return
            if municipality is not None and municipality.pk not in places:
                error(
                    "postal_code",
                    _("Postcode %(code)s is not in the municipality %(refnis)s (%(name)s).")
                    % {"code": postcode, "refnis": municipality.code, "name": municipality},
                )
                return
            if municipality is None:
                if len(places) == 1:
                    municipality = self.lookups.municipalities_by_pk[next(iter(places))]
                else:
                    codes = sorted(self.lookups.municipalities_by_pk[pk].code for pk in places)
                    error(
                        "city_refnis",
                        _(
                            "Postcode %(code)s covers several municipalities: give the REFNIS "
                            "code of one of them (%(codes)s)."
                        )
                        % {"code": postcode, "codes": ", ".join(codes)},
                    )
                    return
        if has_postcode:
            group.postal_code = postcode
        if has_refnis or municipality is not None:
            # An empty REFNIS code (and no postcode to find it from) clears the municipality.
            group.municipality = municipality
