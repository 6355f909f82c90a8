"""Subscribers in the admin, under the newsletter app's own permissions.

The app's default model permissions (view, delete) are the "subscriber data" permissions:
a staff member without them sees no subscriber, no count and no export. Subscribers cannot
be added or edited here: only a person's own confirmed sign-up creates one, and the record
is their proof of consent.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from healing_together import csv_guard

from .models import Subscriber

CSV_COLUMNS = [
    "email",
    "language",
    "regions",
    "provinces",
    "audiences",
    "consent_version",
    "asked_at",
    "confirmed_at",
    "last_digest_at",
]


def interest_counts(queryset):
    """[(label, [(name, number)])] for the subscribers of `queryset`, a query per kind."""
    result = []
    for label, field, kind in (
        (_("Regions"), "regions", "region"),
        (_("Provinces"), "provinces", "province"),
        (_("Audiences"), "audiences", "audience"),
    ):
        through = getattr(Subscriber, field).through
        rows = (
            through.objects.filter(subscriber__in=queryset)
            .values_list(f"{kind}__pk")
            .annotate(n=Count("subscriber", distinct=True))
        )
        numbers = dict(rows)
        model = through._meta.get_field(kind).related_model
        result.append(
            (label, [(obj.name, numbers[obj.pk]) for obj in model.objects.filter(pk__in=numbers)])
        )
    return result


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    change_list_template = "newsletter/admin/subscriber_change_list.html"
    list_display = ["email", "language", "status", "asked_at", "confirmed_at", "last_digest_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    date_hierarchy = None
    fields = [
        "email",
        "language",
        "status",
        "regions",
        "provinces",
        "audiences",
        "consent_version",
        "consent_text",
        "asked_at",
        "confirmed_at",
        "last_digest_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("consent text"))
    def consent_text(self, subscriber):
        return subscriber.consent_text

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export.csv", export, name="newsletter_subscriber_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            confirmed = Subscriber.objects.confirmed()
            extra_context = {
                "confirmed_count": confirmed.count(),
                "pending_count": Subscriber.objects.pending().count(),
                "by_language": sorted(confirmed.counts_by_language().items()),
                "by_interest": interest_counts(confirmed),
                "no_interest_count": confirmed.filter(
                    regions=None, provinces=None, audiences=None
                ).count(),
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """Confirmed subscribers only, as CSV: pending sign-ups have not consented yet."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="newsletter-subscribers-{stamp}.csv"'
        )
        response["Cache-Control"] = "no-store"
        # An address may start with = or +: the site's one guard against formulas.
        writer = csv_guard.writer(response)
        writer.writerow(CSV_COLUMNS)
        for s in Subscriber.objects.confirmed().with_interests().order_by("confirmed_at", "pk"):
            writer.writerow(
                [
                    s.email,
                    s.language,
                    " ".join(r.code for r in s.regions.all()),
                    " ".join(p.code for p in s.provinces.all()),
                    " ".join(a.slug for a in s.audiences.all()),
                    s.consent_version,
                    s.asked_at.isoformat(),
                    s.confirmed_at.isoformat() if s.confirmed_at else "",
                    s.last_digest_at.isoformat() if s.last_digest_at else "",
                ]
            )
        return response
