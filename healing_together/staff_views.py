"""The staff's own settings page in the admin: "Language of my emails"."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .i18n import language_name_in_sentence
from .models import StaffProfile


class EmailLanguageForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}


def email_language(request):
    """Each staff member chooses the language the site writes to them in (admin.site.admin_view
    lets in only staff signed in with their second factor)."""
    profile = StaffProfile.objects.filter(user=request.user).first() or StaffProfile(
        user=request.user
    )
    form = EmailLanguageForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Saved: the site now writes to you in %(language)s.")
            % {"language": language_name_in_sentence(profile.language)},
        )
        return redirect("staff_email_language")
    context = {
        **admin.site.each_context(request),
        "title": _("Language of my emails"),
        "form": form,
        "has_email": bool(request.user.email),
    }
    return TemplateResponse(request, "admin/email_language.html", context)
