"""Moderation of what the public sends: group proposals and correction reports.

The services, named `<entity>_<action>`, do the writes and send the emails: `proposal_submit`,
`proposal_approve`, `proposal_reject`, `correction_report`. Forms only validate; the views and
the admin call these. Nothing an organiser proposes is published without an editor:
`proposal_approve()` is the only way a proposal becomes public. Every email goes through
Django's email backend, in the language of the person it is written to (organisers: the
language they proposed in; editors: the language each chose, healing_together.staff_mail;
one message per editor, so that nobody sees another's address). A failed email never loses
the proposal or the decision: it is logged and reported back to the caller.
"""

import calendar
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from healing_together.history import one_entry_per_save
from healing_together.staff_mail import addresses_by_language

from .models import CorrectionReport, Group, Organisation

logger = logging.getLogger(__name__)

# The privacy notice promises this: contact details are erased 12 months after closing.
RETENTION_MONTHS = 12


class ModerationError(ValidationError):
    """The proposal cannot be approved or rejected as asked; the message says why."""


def absolute(path):
    """A link for an email: SITE_URL and the path."""
    return f"{settings.SITE_URL}{path}"


def admin_url(group):
    return absolute(reverse("admin:directory_proposal_change", args=[group.pk]))


def public_url(group, language):
    with translation.override(language):
        return absolute(group.get_absolute_url())


def preview_url(group, language=None):
    with translation.override(language or group.proposal_language or settings.LANGUAGE_CODE):
        return reverse("directory:group_preview", kwargs={"pk": group.pk})


def send(template, context, to, language, reply_to=None):
    """Render templates/directory/emails/<template>_subject.txt and .txt and send them.

    True when the backend accepted the message; False (and a log line) when it failed.
    """
    with translation.override(language):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"directory/emails/{template}_subject.txt", context)
        body = render_to_string(f"directory/emails/{template}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
    )
    try:
        message.send()
    except Exception:  # SMTP down, refused address…: the data is saved; editors can follow up
        logger.exception("Email %s to %s could not be sent.", template, ", ".join(to))
        return False
    return True


def tell_editors(template, context, permission, reply_to=None):
    """Send `template` to each editor who holds `permission`, in the language they chose.

    True when every message was accepted. The context's lazy texts (a language's name) are
    rendered in each editor's language.
    """
    sent = True
    for language, addresses in addresses_by_language(permission).items():
        for address in addresses:
            sent &= send(template, context, to=[address], language=language, reply_to=reply_to)
    return sent


def _organiser_language(group):
    return group.proposal_language or settings.LANGUAGE_CODE


# --- Proposals --------------------------------------------------------------------------------


def proposal_submit(form):
    """Save a valid ProposalForm: its organisation and the group, unpublished, waiting for review.

    Then tell the editors and thank the organiser (`proposal_received`); a failed email is
    logged and loses nothing. Returns the group.
    """
    cleaned = form.cleaned_data
    with transaction.atomic(), one_entry_per_save():  # one version, with its codes
        group = form.save(commit=False)  # its text in the current language only
        group.organisation = Organisation.objects.create(
            name=cleaned["organisation_name"], website=cleaned["organisation_website"]
        )
        group.published = False
        group.review = Group.Review.PENDING
        group.proposal_language = translation.get_language()
        group.proposed_at = timezone.now()
        group.save()
        form.save_m2m()  # audiences, topics, languages
    proposal_received(group)
    return group


def proposal_received(group):
    """Tell the editors about a new proposal, and thank the organiser in their language
    with its reference only."""
    context = {
        "group": group,
        "name": group.any_name(),
        "admin_url": admin_url(group),
        "language": dict(settings.LANGUAGES).get(group.proposal_language, ""),
    }
    tell_editors(
        "proposal_editors",
        context,
        permission="directory.change_proposal",
        reply_to=[group.proposer_email] if group.proposer_email else None,
    )
    if group.proposer_email:
        # Nobody has confirmed this address: the thanks echoes no free text (the template).
        send(
            "proposal_received",
            {"reference": group.pk},
            to=[group.proposer_email],
            language=_organiser_language(group),
            reply_to=[settings.CONTACT_EMAIL],
        )


def check_publishable(group):
    """Raise ModerationError listing what is missing before the group can be published.

    The texts are checked in the proposal's language (the only one an organiser fills); the
    messages are worded in the editor's language.
    """
    failure = None
    with translation.override(_organiser_language(group)):
        try:
            group.full_clean()
        except ValidationError as error:
            failure = error
    if failure is not None:
        problems = []
        for field, errors in failure.error_dict.items():
            label = group._meta.get_field(field).verbose_name if field != "__all__" else ""
            for message in ValidationError(errors):
                problems.append(f"{label}: {message}" if label else message)
        raise ModerationError(problems)
    if not group.languages.exists():
        raise ModerationError(_("Give at least one language spoken in the group."))


def proposal_approve(group, user):
    """Publish a proposed group and tell the organiser, with its public link.

    Returns True when the organiser was emailed (or had no email), False when the email failed.
    """
    if group.review not in {Group.Review.PENDING, Group.Review.REJECTED}:
        raise ModerationError(_("This group is not waiting for review."))
    check_publishable(group)
    group.published = True
    group.review = Group.Review.APPROVED
    group.reviewed_at = timezone.now()
    group.reviewed_by = user
    group.last_verified = timezone.localdate()
    group.rejection_reason = ""
    group.save()
    if not group.proposer_email:
        return True
    language = _organiser_language(group)
    return send(
        "proposal_approved",
        {
            "group": group,
            "name": group.any_name(),
            "proposer_name": group.proposer_name,
            "public_url": public_url(group, language),
        },
        to=[group.proposer_email],
        language=language,
        reply_to=[settings.CONTACT_EMAIL],
    )


def proposal_reject(group, reason, user):
    """Refuse a proposal with a reason that is emailed back; the group stays unpublished.

    Returns True when the organiser was emailed (or had no email), False when the email failed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give the reason: it is sent to the organiser."))
    if group.review != Group.Review.PENDING:
        raise ModerationError(_("This group is not waiting for review."))
    group.published = False
    group.review = Group.Review.REJECTED
    group.reviewed_at = timezone.now()
    group.reviewed_by = user
    group.rejection_reason = reason
    group.save()
    if not group.proposer_email:
        return True
    return send(
        "proposal_rejected",
        {
            "group": group,
            "name": group.any_name(),
            "proposer_name": group.proposer_name,
            "reason": reason,
        },
        to=[group.proposer_email],
        language=_organiser_language(group),
        reply_to=[settings.CONTACT_EMAIL],
    )


# --- Corrections ------------------------------------------------------------------------------


def correction_report(group, message, email, language):
    """Queue a visitor's correction to a published group for the editors, and tell them.

    `email` may be empty (no reply wanted); `language` is the one the visitor wrote in.
    Returns the CorrectionReport.
    """
    report = CorrectionReport.objects.create(
        group=group, message=message, email=email, language=language
    )
    correction_reported(report)
    return report


def correction_reported(report):
    """Tell the editors; a reply goes straight to the reporter when they left an email."""
    group = report.group
    language = dict(settings.LANGUAGES).get(report.language, report.language)
    return tell_editors(
        "correction_editors",
        {
            "report": report,
            "group": group,
            "name": group.any_name(),
            "language": language,
            "public_url": public_url(group, report.language),
            "admin_url": absolute(
                reverse("admin:directory_correctionreport_change", args=[report.pk])
            ),
        },
        permission="directory.change_correctionreport",
        reply_to=[report.email] if report.email else None,
    )


# --- Retention --------------------------------------------------------------------------------


def months_before(moment, months):
    """The same day and time `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def purge_closed_contacts(now=None, dry_run=False):
    """Erase proposers' contacts and reporters' emails 12 months after closing.

    A proposal is closed when an editor approved or rejected it; a report when it was resolved.
    Returns (proposals erased, reports erased).
    """
    cutoff = months_before(now or timezone.now(), RETENTION_MONTHS)
    proposals = (
        Group.objects.filter(
            review__in=[Group.Review.APPROVED, Group.Review.REJECTED], reviewed_at__lt=cutoff
        )
        .exclude(proposer_name="", proposer_email="")
        .order_by()
    )
    reports = CorrectionReport.objects.resolved().filter(resolved_at__lt=cutoff).exclude(email="")
    if dry_run:
        return proposals.count(), reports.count()
    # update(): no history record, no save() side effects; the history keeps no contacts.
    return (
        proposals.update(proposer_name="", proposer_email=""),
        reports.update(email=""),
    )
