"""Public forms of the directory: an organiser proposes a group; a visitor reports a correction.

They ask in the organiser's words, fill only the current language's text fields, and leave every
editorial decision (publishing, translations) to editors. They only validate: the writes and
emails are services in directory.moderation.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from healing_together.public_forms import HoneypotMixin
from healing_together.text import fold

from .fieldsets import PROPOSED_FIELDS, group_sections
from .models import CorrectionReport, Group, Municipality
from .postcodes import parse_postcode


class AccessibleFormMixin:
    """What the public form templates need: required fields said in words, an error summary.

    Browsers' own validation bubbles are turned off (`use_required_attribute`): every error is
    shown the same way, in the summary at the top and beside its field, linked with
    aria-describedby (Django adds `<id>_helptext` and `<id>_error`).
    """

    use_required_attribute = False
    # [(legend, [field names])]; fields in no fieldset are left out of the page.
    fieldsets = []

    def get_fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def error_summary(self):
        """[{"id": element to link to, "label", "message"}] in the order of the page."""
        errors = []
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            target = bound.auto_id
            if bound.use_fieldset:
                target = f"{bound.auto_id}_0"  # the first option of a group of choices
            for message in self.errors[name]:
                errors.append({"id": target, "label": field.label, "message": message})
        return errors


def _choices_with_blank(choices):
    return [("", "—"), *choices]


# What the proposal form asks differently from the model's own form fields.
PROPOSAL_FIELD_OPTIONS = {
    # Radio buttons: no blank choice.
    "kind": {"choices": Group.Kind.choices},
    "facilitation": {"choices": Group.Facilitation.choices},
    "attendance": {"choices": Group.Attendance.choices},
    "frequency": {"choices": Group.Frequency.choices},
    "cost": {"choices": Group.Cost.choices},
    "registration": {"choices": Group.Registration.choices},
    "week_of_month": {"choices": _choices_with_blank(Group.WEEKS_OF_MONTH)},
    "weekday": {"choices": _choices_with_blank(Group.WEEKDAYS)},
    # Optional for editors, asked of organisers.
    "summary": {"required": True},
    "schedule_note": {"required": True},
    "proposer_name": {"required": True},
    "proposer_email": {"required": True, "max_length": 320},
    "registration_email": {"max_length": 320},
    "description": {"max_length": 3000},
    "cost_amount": {"min_value": 0},
    "registration_url": {"assume_scheme": "https"},
}


def formfield_with(options):
    """A Meta.formfield_callback: each model field's own form field, with `options[name]`."""

    def formfield(db_field, **kwargs):
        return db_field.formfield(**kwargs, **options.get(db_field.name, {}))

    return formfield


class ProposalForm(AccessibleFormMixin, HoneypotMixin, forms.ModelForm):
    """What an editor needs to publish a group, in the organiser's own words.

    A ModelForm on Group: Meta.fields are the group's fields it asks, in the current language
    only (modeltranslation's `name` is the current language's `name_<code>`; the other
    languages stay empty for the editors). The organisation, the municipality's town and the
    confirmation are the form's own fields. It only validates: directory.moderation's
    `proposal_submit()` saves.
    """

    town = forms.CharField(
        label=_("Municipality"),
        required=False,
        max_length=100,
        help_text=_("Only needed when the postcode covers several municipalities."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation that runs the group"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=_("If you run it on your own, write your practice's name or your own."),
    )
    organisation_website = forms.URLField(
        label=_("Website of the organisation"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    confirm = forms.BooleanField(
        label=_("I organise this group, or I am allowed to list it."),
        error_messages={"required": _("Please confirm that you may list this group.")},
    )

    class Meta:
        model = Group
        # The municipality is found from the postcode (and `town`) in clean().
        fields = [
            *(name for name in PROPOSED_FIELDS if name != "municipality"),
            "proposer_name",
            "proposer_email",
        ]
        formfield_callback = formfield_with(PROPOSAL_FIELD_OPTIONS)
        localized_fields = ["cost_amount"]
        labels = {
            "kind": _("Kind of group"),
            "name": _("Name of the group"),
            "summary": _("Short description"),
            "description": _("More about the group"),
            "facilitation": _("Who leads the group?"),
            "audiences": _("Who is it for?"),
            "topics": _("Topics"),
            "languages": _("Languages spoken in the group"),
            "attendance": _("How do people take part?"),
            "venue": _("Name of the place"),
            "street_address": _("Street and number"),
            "postal_code": _("Postcode"),
            "accessibility": _("Accessibility"),
            "schedule_note": _("When does the group meet?"),
            "frequency": _("How often?"),
            "week_of_month": _("Which week of the month?"),
            "weekday": _("Day"),
            "start_time": _("Start time"),
            "cost": _("Cost"),
            "cost_amount": _("Price per session, in euros"),
            "cost_note": _("About the cost"),
            "registration": _("How do people register?"),
            "registration_url": _("Registration link"),
            "registration_email": _("Registration email"),
            "registration_phone": _("Registration phone"),
            "proposer_name": _("Your name"),
            "proposer_email": _("Your email"),
        }
        help_texts = {
            "kind": _(
                "A support group is a free space to share, led by a professional or a trained "
                "peer. A group therapy is led by a therapist, with a frame and goals."
            ),
            "summary": _(
                "One or two sentences: who it is for and what happens. 300 characters at most."
            ),
            "description": _(
                "What a first meeting is like, the frame, anything people ask you often."
            ),
            "audiences": _("Choose all that apply, or none if it is open to everyone."),
            "venue": _("For example: Community centre De Linde."),
            "postal_code": _(
                "Needed when people meet in person: the four digits, for example 1050."
            ),
            "accessibility": _("For example: step-free entrance, hearing loop, quiet room."),
            "schedule_note": _(
                "In your own words, for example: every second Tuesday, 7 to 9 pm, "
                "not in July and August."
            ),
            "week_of_month": _("Only for groups that meet once a month."),
            "weekday": _(
                "Needed for groups that meet every week, every two weeks or once a month."
            ),
            "start_time": _("For example 19:00."),
            "cost_amount": _("Only for a fixed price, for example 12.50."),
            "cost_note": _("For example: reimbursed by some health insurance funds."),
            "registration_url": _("Needed when people register with an online form."),
            "registration_email": _("Needed when people register by email."),
            "registration_phone": _("Needed when people register by phone."),
            "proposer_email": _(
                "We write to you when an editor has looked at your proposal. Never published."
            ),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "facilitation": forms.RadioSelect,
            "audiences": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "attendance": forms.RadioSelect,
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
            "frequency": forms.RadioSelect,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "cost": forms.RadioSelect,
            "cost_amount": forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            "registration": forms.RadioSelect,
            "registration_phone": forms.TextInput(attrs={"type": "tel"}),
            "proposer_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "proposer_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "languages": {"required": _("Choose at least one language.")},
        }

    fieldsets = [
        *group_sections(PROPOSED_FIELDS, shown_as={"municipality": "town"}),
        (
            _("About you"),
            [
                "organisation_name",
                "organisation_website",
                "proposer_name",
                "proposer_email",
                "confirm",
            ],
        ),
    ]
    # The fields in the order of the page (the error summary follows it).
    field_order = [name for _legend, names in fieldsets for name in names]

    # Group.clean() reports some rules on fields this form names differently.
    MODEL_FIELD_TO_FORM_FIELD = {"municipality": "postal_code"}
    # A rule on one of these fields says nothing new when a field it depends on has an error.
    DEPENDS_ON = {"postal_code": ("postal_code", "town")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = None

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and parse_postcode(code) is None:
            raise ValidationError(_("A Belgian postcode has four digits, for example 1050."))
        return code

    def clean(self):
        """Find the municipality of the place; the group's own rules are checked next.

        ModelForm's _post_clean() then fills the unsaved group from the cleaned data and runs
        Group.full_clean() (its clean() rules), reported through _update_errors().
        """
        cleaned = super().clean()  # the honeypot raises here: nothing else is checked
        if "postal_code" in cleaned:
            self.municipality = self._find_municipality(cleaned)
        self.instance.municipality = self.municipality
        if "cost_amount" in cleaned and cleaned.get("cost") != Group.Cost.AMOUNT:
            cleaned["cost_amount"] = None  # a price only for a fixed price
        return cleaned

    def _post_clean(self):
        if self.has_error(NON_FIELD_ERRORS, "honeypot"):
            return  # a robot: nothing is built or checked
        super()._post_clean()

    def _update_errors(self, errors):
        """Show the group's own rules (Group.clean) on the form's fields, every mistake at once.

        Only fields that are valid so far take part: a field that already has an error does
        not get a second one from a rule that depends on it. (The model's field checks only
        cover fields without an error, with the same validators as the form fields.)
        """
        for field, messages in errors.message_dict.items():
            field = self.MODEL_FIELD_TO_FORM_FIELD.get(field, field)
            if not any(name in self.errors for name in self.DEPENDS_ON.get(field, [field])):
                self.add_error(field if field in self.fields else None, messages)

    def _find_municipality(self, cleaned):
        """The municipality of the postcode; the `town` field decides when there are several."""
        code = cleaned["postal_code"]
        if not code:
            if cleaned.get("attendance") in {Group.Attendance.IN_PERSON, Group.Attendance.HYBRID}:
                self.add_error(
                    "postal_code", _("Give the postcode of the place where the group meets.")
                )
            return None
        places = Municipality.objects.matching(code)
        if not places:
            self.add_error(
                "postal_code",
                _("We do not know the postcode %(code)s. Please check it.") % {"code": code},
            )
            return None
        if len(places) == 1:
            return places[0]
        town = fold(cleaned.get("town", ""))
        for place in places:
            if town and town in {fold(name) for name in place.all_names()}:
                return place
        names = ", ".join(str(place) for place in places)
        self.add_error(
            "town",
            _("The postcode %(code)s covers several municipalities (%(names)s): write which one.")
            % {"code": code, "names": names},
        )
        return None


class CorrectionForm(AccessibleFormMixin, HoneypotMixin, forms.ModelForm):
    """A visitor's correction: `correction_report()` in directory.moderation saves it."""

    class Meta:
        model = CorrectionReport
        fields = ["message", "email"]
        formfield_callback = formfield_with(
            {"message": {"max_length": 2000}, "email": {"max_length": 320}}
        )
        labels = {
            "message": _("What is wrong or out of date?"),
            "email": _("Your email"),
        }
        help_texts = {
            "message": _(
                "For example: the group now meets on Thursdays. Please do not share health details."
            ),
            "email": _("Only if you would like a reply. We erase it later."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {"message": {"required": _("Tell us what should change.")}}

    fieldsets = [(None, ["message", "email"])]
