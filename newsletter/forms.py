import re
from collections import defaultdict

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from directory.models import Audience, Province, Region
from healing_together.public_forms import HoneypotMixin

from . import consent

EMAIL_MAX_LENGTH = 254


class NewsletterEmailValidator(EmailValidator):
    """Django's validator, without the addresses a newsletter cannot reach.

    Internationalised domain names (bücher.be) are accepted; they are sent in their ASCII
    form. Letters outside plain ASCII before the @ are refused with their own message: not
    every mail server on the way accepts them.
    """

    message = _("Enter an email address like name@example.be.")
    domain_allowlist = []  # no "localhost"

    def __call__(self, value):
        if len(value or "") > EMAIL_MAX_LENGTH:
            return  # the field's own length message says what is wrong
        local, _at, domain = (value or "").rpartition("@")
        if local and not local.isascii():
            raise forms.ValidationError(
                _(
                    "We cannot yet send emails to addresses with accented or non-Latin letters "
                    "before the @. Please use another address."
                ),
                code="non_ascii_local_part",
            )
        if domain.startswith("["):
            raise forms.ValidationError(self.message, code=self.code)
        super().__call__(value)


class CodeChoiceField(forms.ModelMultipleChoiceField):
    """Choices by code or slug. A value that cannot be a code is refused before any query
    (a database may choke on it, e.g. PostgreSQL on a null character)."""

    widget = forms.CheckboxSelectMultiple
    code = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

    def _check_values(self, value):
        if len(value) > 100 or any(not isinstance(v, str) or not self.code.match(v) for v in value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super()._check_values(value)


def language_choices():
    """Each language in its own name ("Français", not "French"): whoever reads it knows it."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class SubscribeForm(HoneypotMixin, forms.Form):
    email = forms.CharField(
        label=_("Your email address"),
        max_length=EMAIL_MAX_LENGTH,
        strip=True,
        validators=[NewsletterEmailValidator()],
        error_messages={
            "required": _("Enter your email address."),
            "max_length": _("This email address is too long: at most 254 characters."),
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=language_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the language of the emails.")},
    )
    region = CodeChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    province = CodeChoiceField(
        label=_("Provinces"),
        queryset=Province.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    audience = CodeChoiceField(
        label=_("Who it is for"),
        queryset=Audience.objects.order_by("order", "slug"),
        to_field_name="slug",
        required=False,
    )
    consent = forms.BooleanField(
        label=consent.text(consent.CURRENT),
        required=True,
        error_messages={
            "required": _(
                "Tick the box to agree: without your consent we cannot send you anything."
            )
        },
    )

    error_messages = {
        "invalid_choice": _("One of the choices is no longer available. Please choose again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("region", "province", "audience"):
            self.fields[name].error_messages.update(
                invalid_choice=self.error_messages["invalid_choice"],
                invalid_pk_value=self.error_messages["invalid_choice"],
                invalid_list=self.error_messages["invalid_choice"],
            )
        self.fields["language"].error_messages["invalid_choice"] = _(
            "Choose one of the languages in the list."
        )

    def full_clean(self):
        super().full_clean()
        # Link the message to its field for screen readers (fieldsets get theirs in the
        # template).
        for name in ("email", "consent"):
            if name in self.errors:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def clean_email(self):
        email = self.cleaned_data["email"]
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def places(self):
        """[{"region": checkbox, "provinces": [checkboxes]}]: provinces under their region."""
        region_of = dict(Province.objects.values_list("code", "region__code"))
        provinces = defaultdict(list)
        for checkbox in self["province"]:
            provinces[region_of.get(str(checkbox.data["value"]))].append(checkbox)
        return [
            {"region": checkbox, "provinces": provinces[str(checkbox.data["value"])]}
            for checkbox in self["region"]
        ]

    def interests(self):
        data = self.cleaned_data
        return {
            "regions": list(data["region"]),
            "provinces": list(data["province"]),
            "audiences": list(data["audience"]),
        }
