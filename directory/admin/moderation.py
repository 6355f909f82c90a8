"""The editors' queues: groups proposed by organisers, and correction reports from visitors.

Proposals are shown through the `Proposal` proxy: a read-only view of what the organiser sent,
with "Approve and publish", "Reject with a reason", "Edit the listing" (the group's own admin
page, with every language) and "View preview on site". Approving or rejecting needs the
"change proposed group" permission; the decision is emailed to the organiser in their language
(directory.moderation).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from healing_together.admin import new_tab_link
from healing_together.i18n import first_translation, language_name_in_sentence

from .. import moderation
from ..fieldsets import PROPOSED_FIELDS, group_sections
from ..models import CorrectionReport, Group, Proposal
from .list_filters import DefaultChoiceFilter


def text_of(group, field):
    """A translated text in the proposal's language, else in the first language that has it."""
    return first_translation(group, field, [group.proposal_language])[1]


# The organiser's texts, each shown in the language they wrote in (`<field>_text` below).
PROPOSED_TEXTS = [field for field in PROPOSED_FIELDS if field in Group.TRANSLATED_FIELDS]


def mailto(email, missing):
    """A contact as a mail link, or what to say when it was erased or never given."""
    return format_html('<a href="mailto:{0}">{0}</a>', email) if email else missing


def _text_display(field):
    @admin.display(description=Group._meta.get_field(field).verbose_name)
    def show(self, obj):
        return text_of(obj, field) or "—"

    show.__name__ = f"{field}_text"
    return show


class ReviewFilter(DefaultChoiceFilter):
    title = gettext_lazy("review")
    parameter_name = "review"
    field = "review"
    default = Group.Review.PENDING

    def lookups(self, request, model_admin):
        return [
            (Group.Review.PENDING, gettext_lazy("Waiting for review")),
            (Group.Review.APPROVED, gettext_lazy("Approved")),
            (Group.Review.REJECTED, gettext_lazy("Rejected")),
            ("all", gettext_lazy("All")),
        ]


class ReportStatusFilter(DefaultChoiceFilter):
    title = gettext_lazy("status")
    parameter_name = "status"
    field = "status"
    default = CorrectionReport.Status.OPEN

    def lookups(self, request, model_admin):
        return [*CorrectionReport.Status.choices, ("all", gettext_lazy("All"))]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
    )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "name_text",
        "kind",
        "place",
        "organisation",
        "proposer_name",
        "proposal_language",
        "proposed_at",
        "review",
    ]
    list_filter = [ReviewFilter, "proposal_language", "kind"]
    list_select_related = ["organisation", "municipality"]
    search_fields = [
        *(f"name_{code}" for code, _n in settings.LANGUAGES),
        "organisation__name",
        "proposer_name",
        "proposer_email",
        "postal_code",
    ]
    ordering = ["proposed_at", "pk"]
    actions = ["approve_selected"]
    view_on_site = False  # its public address is a 404 until published: see "preview"
    change_form_template = "admin/directory/proposal/change_form.html"

    fieldsets = [
        (
            gettext_lazy("Proposal"),
            {
                "fields": [
                    "review",
                    "proposal_language",
                    "proposed_at",
                    "proposer_name",
                    "proposer_contact",
                    "reviewed_at",
                    "reviewed_by",
                    "rejection_reason",
                    "links",
                ]
            },
        ),
        *(
            (legend, {"fields": names})
            for legend, names in group_sections(
                [*PROPOSED_FIELDS, "organisation"],
                shown_as={
                    **{field: f"{field}_text" for field in PROPOSED_TEXTS},
                    "organisation": "organisation_details",
                },
            )
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(review=Group.Review.NONE)

    # --- permissions: a review page, not an editing form ---

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the listing itself is edited on the group's page

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("directory.view_proposal") or self.has_moderate_permission(request)

    def has_moderate_permission(self, request):
        return request.user.has_perm("directory.change_proposal")

    # --- columns and read-only displays ---

    @admin.display(description=gettext_lazy("where"))
    def place(self, obj):
        if obj.in_person and obj.municipality:
            return obj.municipality.name
        return obj.get_attendance_display()

    @admin.display(description=gettext_lazy("contact"))
    def proposer_contact(self, obj):
        return mailto(obj.proposer_email, _("Erased (or none given)."))

    @admin.display(description=gettext_lazy("organisation"))
    def organisation_details(self, obj):
        organisation = obj.organisation
        url = reverse("admin:directory_organisation_change", args=[organisation.pk])
        if organisation.website:
            return format_html(
                '<a href="{}">{}</a> · {}', url, organisation.name, organisation.website
            )
        return format_html('<a href="{}">{}</a>', url, organisation.name)

    @admin.display(description=gettext_lazy("links"))
    def links(self, obj):
        return format_html(
            '{} · <a href="{}">{}</a>',
            new_tab_link(moderation.preview_url(obj), _("View preview on site")),
            reverse("admin:directory_group_change", args=[obj.pk]),
            _("Edit the listing"),
        )

    # --- approve and reject ---

    def get_urls(self):
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="directory_proposal_approve",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="directory_proposal_reject",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(self._decision_context(request, obj))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _decision_context(self, request, group):
        return {
            "group": group,
            "can_moderate": self.has_moderate_permission(request),
            "can_approve": group.review in {Group.Review.PENDING, Group.Review.REJECTED},
            "can_reject": group.review == Group.Review.PENDING,
            "approve_url": reverse("admin:directory_proposal_approve", args=[group.pk]),
            "reject_url": reverse("admin:directory_proposal_reject", args=[group.pk]),
            "preview_url": moderation.preview_url(group),
            "edit_url": reverse("admin:directory_group_change", args=[group.pk]),
            "group_name": text_of(group, "name"),
            "untranslated": [
                str(language_name_in_sentence(code))
                for code, _name in settings.LANGUAGES
                if not getattr(group, f"name_{code}")
            ],
            "organiser_language": self._language_name(group),
        }

    def _language_name(self, group):
        return str(language_name_in_sentence(group.proposal_language))

    def _moderated_object(self, request, object_id):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        group = self.get_object(request, object_id)
        if group is None:
            raise Http404(_("This proposal does not exist (any more)."))
        return group

    def _page(self, request, template, group, **context):
        return TemplateResponse(
            request,
            f"admin/directory/proposal/{template}",
            {
                **self.admin_site.each_context(request),
                **self._decision_context(request, group),
                "opts": self.opts,
                "original": group,
                **context,
            },
        )

    def _changelist(self):
        return HttpResponseRedirect(reverse("admin:directory_proposal_changelist"))

    def approve_view(self, request, object_id):
        group = self._moderated_object(request, object_id)
        problems = []
        try:
            moderation.check_publishable(group)
        except moderation.ModerationError as error:
            problems = error.messages
        if request.method == "POST" and not problems:
            self._approve(request, group)
            return self._changelist()
        return self._page(
            request, "approve.html", group, title=_("Approve and publish"), problems=problems
        )

    def reject_view(self, request, object_id):
        group = self._moderated_object(request, object_id)
        form = RejectForm(request.POST or None)
        form.fields["reason"].help_text = _(
            "It is emailed to the organiser exactly as you write it: write it in %(language)s."
        ) % {"language": self._language_name(group) or _("their language")}
        if request.method == "POST" and form.is_valid():
            try:
                sent = moderation.proposal_reject(group, form.cleaned_data["reason"], request.user)
            except moderation.ModerationError as error:
                form.add_error("reason", error.messages)
            else:
                self.log_change(request, group, _("Rejected: %s") % form.cleaned_data["reason"])
                self._report_email(request, group, sent, _("Rejected: %(name)s."))
                return self._changelist()
        return self._page(request, "reject.html", group, title=_("Reject"), form=form)

    def _approve(self, request, group):
        try:
            sent = moderation.proposal_approve(group, request.user)
        except moderation.ModerationError as error:
            messages.error(
                request,
                _("“%(name)s” was not published: %(problems)s")
                % {"name": text_of(group, "name"), "problems": " ".join(error.messages)},
            )
            return False
        self.log_change(request, group, _("Approved and published."))
        self._report_email(request, group, sent, _("Published: %(name)s."))
        return True

    def _report_email(self, request, group, sent, done):
        done = done % {"name": text_of(group, "name")}
        if not group.proposer_email:
            messages.success(request, done)
        elif sent:
            messages.success(request, " ".join([done, _("The organiser was emailed.")]))
        else:
            messages.warning(
                request,
                f"{done} "
                + _("The email to the organiser could not be sent: please write to %(email)s.")
                % {"email": group.proposer_email},
            )

    @admin.action(
        description=gettext_lazy("Approve and publish the selected proposals"),
        permissions=["moderate"],
    )
    def approve_selected(self, request, queryset):
        for group in queryset:
            self._approve(request, group)


for _field in PROPOSED_TEXTS:
    setattr(ProposalAdmin, f"{_field}_text", _text_display(_field))


@admin.register(CorrectionReport)
class CorrectionReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "group_name", "short_message", "has_email", "language", "status"]
    list_filter = [ReportStatusFilter, "language"]
    list_select_related = ["group"]
    search_fields = [
        "message",
        "email",
        *(f"group__name_{code}" for code, _n in settings.LANGUAGES),
    ]
    ordering = ["-created_at"]
    actions = ["mark_resolved"]
    fields = [
        "group_links",
        "created_at",
        "language",
        "message",
        "reporter",
        "status",
        "editor_note",
        "resolved_at",
        "resolved_by",
    ]
    readonly_fields = [
        "group_links",
        "created_at",
        "language",
        "message",
        "reporter",
        "resolved_at",
        "resolved_by",
    ]
    radio_fields = {"status": admin.HORIZONTAL}

    def has_add_permission(self, request):
        return False

    @admin.display(description=gettext_lazy("group"), ordering="group")
    def group_name(self, obj):
        return obj.group.any_name()

    @admin.display(description=gettext_lazy("what is wrong"))
    def short_message(self, obj):
        return Truncator(obj.message).chars(90)

    @admin.display(description=gettext_lazy("email given"), boolean=True)
    def has_email(self, obj):
        return bool(obj.email)

    @admin.display(description=gettext_lazy("reporter's email"))
    def reporter(self, obj):
        return mailto(obj.email, _("None given (or erased)."))

    @admin.display(description=gettext_lazy("group"))
    def group_links(self, obj):
        group = obj.group
        with translation.override(obj.language):
            public = group.get_absolute_url()
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            group.any_name(),
            reverse("admin:directory_group_change", args=[group.pk]),
            _("Edit the listing"),
            public,
            _("Public page"),
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            if obj.status == CorrectionReport.Status.RESOLVED:
                obj.resolve(request.user)
            else:
                obj.resolved_at = obj.resolved_by = None
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Mark as resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = 0
        for report in queryset.open():
            report.resolve(request.user)
            report.save()
            count += 1
        messages.success(request, _("%(count)d report(s) marked as resolved.") % {"count": count})
