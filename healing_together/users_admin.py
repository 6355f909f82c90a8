"""The admin of staff accounts: inviting a colleague, a new authenticator app for a lost phone,
and the list of authenticator apps without their secrets. Superusers only.

- *Users → Invite a colleague*: email, name, role(s) and the language of the email. The account
  is made with no password (it cannot sign in) and an email with an enrolment link is sent
  (healing_together/onboarding.py).
- On a user's page, *New authenticator app (lost phone)*: their apps stop working at once and
  an email with a link to set up a new one is sent; the password is kept.
- *Authenticator apps*: who has which app, whether it is confirmed and when it was last used,
  and delete. Nothing to type (no key, T0, drift…) and no QR code: only the person sees their
  own, once, on the enrolment page.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import onboarding
from .roles import EDITOR, role_label

User = get_user_model()

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]


def free_username(email):
    """A username from the address's local part ("anna.peeters"), numbered when taken."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower(), flags=re.ASCII)[:140] or "editor"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    groups = RolesField(
        label=_("Roles"),
        queryset=Group.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Editor: the site's content. Subscriber data: the newsletter's subscribers."),
    )
    language = forms.ChoiceField(
        label=_("Language of the email"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editor = Group.objects.filter(name=EDITOR).first()
        if editor is not None:
            self.fields["groups"].initial = [editor.pk]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Someone already has an account with this address. For a lost phone, "
                    "open their account and choose “New authenticator app”."
                ),
                code="taken",
            )
        return email

    def save(self):
        data = self.cleaned_data
        with transaction.atomic():
            user = User.objects.create_user(
                free_username(data["email"]),
                data["email"],
                None,  # an unusable password: the account cannot sign in yet
                first_name=data["first_name"],
                last_name=data["last_name"],
                is_staff=True,
            )
            user.groups.set(data["groups"])
        return user


class NewDeviceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the email"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect
    )


class StaffUserAdmin(UserAdmin):
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("invite/", view(self.invite_view), name="auth_user_invite"),
            path(
                "<int:pk>/new-authenticator/",
                view(self.new_device_view),
                name="auth_user_new_authenticator",
            ),
            *super().get_urls(),
        ]

    def form_page(self, request, template, title, form, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "form": form,
                "media": self.media + form.media,
                **context,
            },
        )

    def invite_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        initial = {"language": request.LANGUAGE_CODE[:2]}
        form = InvitationForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_valid():
            user = form.save()
            sent = onboarding.send_enrolment_email(
                user,
                onboarding.Kind.INVITATION,
                form.cleaned_data["language"],
                onboarding.base_url(request),
                sender=request.user,
            )
            self.tell_sent(request, user, sent)
            return redirect(reverse("admin:auth_user_change", args=[user.pk]))
        return self.form_page(
            request, "admin/onboarding/invite.html", _("Invite a colleague"), form
        )

    def new_device_view(self, request, pk):
        if not request.user.is_superuser:
            raise PermissionDenied
        user = get_object_or_404(User, pk=pk)
        back = reverse("admin:auth_user_change", args=[user.pk])
        if not (user.is_staff and user.is_active) or user == request.user:
            messages.error(
                request,
                _(
                    "Only another active staff member can get a new authenticator app here. "
                    "For your own, ask another superuser."
                ),
            )
            return redirect(back)
        initial = {"language": request.LANGUAGE_CODE[:2]}
        form = NewDeviceForm(request.POST if request.method == "POST" else None, initial=initial)
        if form.is_valid():
            onboarding.remove_devices(user)
            # Someone who never chose a password (an invitation not finished) gets the whole
            # invitation again: an app alone would not let them sign in.
            kind = (
                onboarding.Kind.NEW_DEVICE
                if user.has_usable_password()
                else onboarding.Kind.INVITATION
            )
            sent = onboarding.send_enrolment_email(
                user,
                kind,
                form.cleaned_data["language"],
                onboarding.base_url(request),
                sender=request.user,
            )
            self.tell_sent(request, user, sent)
            return redirect(back)
        return self.form_page(
            request,
            "admin/onboarding/new_device.html",
            _("New authenticator app (lost phone)"),
            form,
            original=user,
            devices=TOTPDevice.objects.filter(user=user).count(),
        )

    def tell_sent(self, request, user, sent):
        if sent:
            messages.success(
                request,
                _("An email with a link was sent to %(email)s. It works for %(days)s days.")
                % {"email": user.email, "days": settings.STAFF_ENROLMENT_LINK_DAYS},
            )
        else:
            messages.error(
                request,
                _(
                    "The email to %(email)s could not be sent. Check the address, then use "
                    "“New authenticator app” on this page to send a link again."
                )
                % {"email": user.email},
            )


class AuthenticatorAppAdmin(admin.ModelAdmin):
    """Who has which authenticator app; delete allowed, never a key or a QR code."""

    list_display = ["owner", "device_name", "is_confirmed", "last_used"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    fields = readonly_fields = ["owner", "device_name", "is_confirmed", "created", "last_used"]
    list_select_related = ["user"]

    @admin.display(description=_("Person"), ordering="user__username")
    def owner(self, device):
        return device.user

    @admin.display(description=_("Name"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("Confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("Set up on"), ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description=_("Last used"), ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def register(site=admin.site):
    for model in (User, TOTPDevice):
        if site.is_registered(model):
            site.unregister(model)
    site.register(User, StaffUserAdmin)
    site.register(TOTPDevice, AuthenticatorAppAdmin)
