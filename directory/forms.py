"""Public forms of the directory: an organiser proposes a group; a visitor reports a correction.

Both are plain forms (not ModelForms): they ask in the organiser's words, fill only the current
language's text fields, and leave every editorial decision (publishing, translations) to editors.
They only validate: the writes and emails are services in directory.moderation.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from healing_together.public_forms import HoneypotMixin

from .models import (
    Audience,
    Group,
    Municipality,
    SpokenLanguage,
    Topic,
    fold,
)


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


class ProposalForm(AccessibleFormMixin, HoneypotMixin, forms.Form):
    """What an editor needs to publish a group, in the organiser's own words."""

    kind = forms.ChoiceField(
        label=_("Kind of group"),
        choices=Group.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A support group is a free space to share, led by a professional or a trained peer. "
            "A group therapy is led by a therapist, with a frame and goals."
        ),
    )
    name = forms.CharField(label=_("Name of the group"), max_length=200)
    summary = forms.CharField(
        label=_("Short description"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or two sentences: who it is for and what happens. 300 characters at most."
        ),
    )
    description = forms.CharField(
        label=_("More about the group"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What a first meeting is like, the frame, anything people ask you often."),
    )
    facilitation = forms.ChoiceField(
        label=_("Who leads the group?"),
        choices=Group.Facilitation.choices,
        widget=forms.RadioSelect,
    )
    audiences = forms.ModelMultipleChoiceField(
        label=_("Who is it for?"),
        queryset=Audience.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply, or none if it is open to everyone."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages spoken in the group"),
        queryset=SpokenLanguage.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )

    attendance = forms.ChoiceField(
        label=_("How do people take part?"),
        choices=Group.Attendance.choices,
        widget=forms.RadioSelect,
    )
    venue = forms.CharField(
        label=_("Name of the place"),
        required=False,
        max_length=200,
        help_text=_("For example: Community centre De Linde."),
    )
    street_address = forms.CharField(label=_("Street and number"), required=False, max_length=200)
    postal_code = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        help_text=_("Needed when people meet in person: the four digits, for example 1050."),
    )
    town = forms.CharField(
        label=_("Municipality"),
        required=False,
        max_length=100,
        help_text=_("Only needed when the postcode covers several municipalities."),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        required=False,
        max_length=300,
        help_text=_("For example: step-free entrance, hearing loop, quiet room."),
    )

    schedule_note = forms.CharField(
        label=_("When does the group meet?"),
        max_length=200,
        help_text=_(
            "In your own words, for example: every second Tuesday, 7 to 9 pm, "
            "not in July and August."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Group.Frequency.choices,
        widget=forms.RadioSelect,
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month?"),
        choices=_choices_with_blank(Group.WEEKS_OF_MONTH),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for groups that meet once a month."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=_choices_with_blank(Group.WEEKDAYS),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Needed for groups that meet every week, every two weeks or once a month."),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("For example 19:00."),
    )

    cost = forms.ChoiceField(label=_("Cost"), choices=Group.Cost.choices, widget=forms.RadioSelect)
    cost_amount = forms.DecimalField(
        label=_("Price per session, in euros"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
        help_text=_("Only for a fixed price, for example 12.50."),
    )
    cost_note = forms.CharField(
        label=_("About the cost"),
        required=False,
        max_length=200,
        help_text=_("For example: reimbursed by some health insurance funds."),
    )
    registration = forms.ChoiceField(
        label=_("How do people register?"),
        choices=Group.Registration.choices,
        widget=forms.RadioSelect,
    )
    registration_url = forms.URLField(
        label=_("Registration link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Needed when people register with an online form."),
    )
    registration_email = forms.EmailField(
        label=_("Registration email"),
        required=False,
        help_text=_("Needed when people register by email."),
    )
    registration_phone = forms.CharField(
        label=_("Registration phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
        help_text=_("Needed when people register by phone."),
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
    proposer_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    proposer_email = forms.EmailField(
        label=_("Your email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We write to you when an editor has looked at your proposal. Never published."),
    )
    confirm = forms.BooleanField(
        label=_("I organise this group, or I am allowed to list it."),
        error_messages={"required": _("Please confirm that you may list this group.")},
    )

    fieldsets = [
        (
            _("The group"),
            [
                "kind",
                "name",
                "summary",
                "description",
                "facilitation",
                "audiences",
                "topics",
                "languages",
            ],
        ),
        (
            _("Where"),
            [
                "attendance",
                "venue",
                "street_address",
                "postal_code",
                "town",
                "accessibility",
            ],
        ),
        (_("When"), ["schedule_note", "frequency", "week_of_month", "weekday", "start_time"]),
        (
            _("Cost and registration"),
            [
                "cost",
                "cost_amount",
                "cost_note",
                "registration",
                "registration_url",
                "registration_email",
                "registration_phone",
            ],
        ),
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

    # Group.clean() reports some rules on fields this form names differently.
    MODEL_FIELD_TO_FORM_FIELD = {"municipality": "postal_code"}
    # A rule on one of these fields says nothing new when a field it depends on has an error.
    DEPENDS_ON = {"postal_code": ("postal_code", "town")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = None

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and (len(code) != 4 or not code.isdigit()):
            raise ValidationError(_("A Belgian postcode has four digits, for example 1050."))
        return code

    def clean(self):
        """Check the place and the group's own rules, so every mistake is shown at once.

        Only fields that are valid so far take part: a field that already has an error does
        not get a second one from a rule that depends on it.
        """
        cleaned = super().clean()  # the honeypot raises here: nothing else is checked
        if "postal_code" in cleaned:
            self.municipality = self._find_municipality(cleaned)
        try:
            self.build_group(cleaned).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field = self.MODEL_FIELD_TO_FORM_FIELD.get(field, field)
                if not any(name in self.errors for name in self.DEPENDS_ON.get(field, [field])):
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

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

    def build_group(self, cleaned):
        """The proposed group, unsaved: its text in the current language only, unpublished."""
        language = translation.get_language()

        def get(name):  # text fields are "" when missing or invalid
            return cleaned.get(name) or ""

        group = Group(
            kind=get("kind"),
            facilitation=get("facilitation"),
            attendance=get("attendance"),
            venue=get("venue"),
            street_address=get("street_address"),
            postal_code=get("postal_code"),
            municipality=self.municipality,
            frequency=get("frequency"),
            weekday=cleaned.get("weekday"),
            week_of_month=cleaned.get("week_of_month"),
            start_time=cleaned.get("start_time"),
            cost=get("cost"),
            cost_amount=cleaned.get("cost_amount") if get("cost") == Group.Cost.AMOUNT else None,
            registration=get("registration"),
            registration_url=get("registration_url"),
            registration_email=get("registration_email"),
            registration_phone=get("registration_phone"),
            published=False,
            review=Group.Review.PENDING,
            proposal_language=language,
            proposer_name=get("proposer_name"),
            proposer_email=get("proposer_email"),
        )
        for field in ("name", "summary", "description", "schedule_note", "cost_note"):
            setattr(group, f"{field}_{language}", get(field))
        setattr(group, f"accessibility_{language}", get("accessibility"))
        return group


class CorrectionForm(AccessibleFormMixin, HoneypotMixin, forms.Form):
    message = forms.CharField(
        label=_("What is wrong or out of date?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For example: the group now meets on Thursdays. Please do not share health details."
        ),
        error_messages={"required": _("Tell us what should change.")},
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only if you would like a reply. We erase it later."),
    )

    fieldsets = [(None, ["message", "email"])]
