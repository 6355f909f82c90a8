"""Organisations and the groups they run (HSDS's organization and service)."""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from healing_together.history import HistoricalRecords
from healing_together.i18n import TranslatedFields, first_translation

from .. import schedule as schedule_rules
from .. import search
from ..freshness import Freshness, freshness
from ..querysets import GroupManager
from .geography import Municipality, Region
from .taxonomy import Audience, SpokenLanguage, Topic


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Group(models.Model):
    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support group")
        THERAPY = "therapy", _("Group therapy")

    class Facilitation(models.TextChoices):
        PROFESSIONAL = "professional", _("A professional")
        PEER = "peer", _("A trained peer")
        BOTH = "both", _("A professional and a trained peer")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Once a month")
        CONTINUOUS = "continuous", _("Continuous intake, by appointment")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        AMOUNT = "amount", _("Fixed price")
        SLIDING = "sliding", _("Sliding scale")

    class Status(models.TextChoices):
        OPEN = "open", _("Open to new members")
        FULL = "full", _("Full")
        STARTS = "starts", _("Starts on a date")
        ENDED = "ended", _("Ended")

    class Review(models.TextChoices):
        NONE = "none", _("Added by an editor")
        PENDING = "pending", _("Proposal waiting for review")
        APPROVED = "approved", _("Proposal approved")
        REJECTED = "rejected", _("Proposal rejected")

    class Registration(models.TextChoices):
        NONE = "none", _("No registration: just come")
        LINK = "link", _("Online form")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    WEEKDAYS = [(day.number, day.label) for day in schedule_rules.WEEKDAYS]
    WEEKS_OF_MONTH = [
        (1, _("first")),
        (2, _("second")),
        (3, _("third")),
        (4, _("fourth")),
        (-1, _("last")),
    ]

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, blank=True, db_index=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("organisation"),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    facilitation = models.CharField(_("led by"), max_length=12, choices=Facilitation.choices)
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="groups", verbose_name=_("audiences")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="groups", verbose_name=_("topics")
    )
    languages = models.ManyToManyField(
        SpokenLanguage, related_name="groups", verbose_name=_("languages spoken")
    )

    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=4, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("municipality"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    serves_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="online_groups",
        verbose_name=_("area served online"),
        help_text=_("For online groups: the regions it serves. Leave empty for all of Belgium."),
    )

    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS, null=True, blank=True)
    week_of_month = models.SmallIntegerField(
        _("week of the month"), choices=WEEKS_OF_MONTH, null=True, blank=True
    )
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), default=90, validators=[MaxValueValidator(600)]
    )
    start_date = models.DateField(_("first session"), null=True, blank=True)
    end_date = models.DateField(_("last session"), null=True, blank=True)
    schedule_note = models.CharField(_("schedule note"), max_length=200, blank=True)
    next_session_on = models.DateField(
        _("next session on"), editable=False, null=True, db_index=True
    )

    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices)
    cost_amount = models.DecimalField(
        _("price per session (EUR)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    cost_note = models.CharField(_("cost note"), max_length=200, blank=True)

    registration = models.CharField(
        _("how to register"), max_length=6, choices=Registration.choices
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    registration_email = models.EmailField(_("registration email"), blank=True)
    registration_phone = models.CharField(_("registration phone"), max_length=40, blank=True)

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )

    last_verified = models.DateField(_("last verified"), default=datetime.date.today)
    published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for development; never real.")
    )
    published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("When the group first appeared on the site (newsletter digests use it)."),
    )
    # Proposals from organisers (the public "propose a group" form) wait here for an editor.
    review = models.CharField(
        _("review"), max_length=8, choices=Review.choices, default=Review.NONE
    )
    proposal_language = models.CharField(
        _("language of the proposal"), max_length=5, choices=settings.LANGUAGES, blank=True
    )
    proposer_name = models.CharField(_("proposed by"), max_length=200, blank=True)
    proposer_email = models.EmailField(_("proposer's email"), blank=True)
    proposed_at = models.DateTimeField(_("proposed on"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Accent- and case-folded text of every searchable field in every language, so that free-text
    # search gives the same answers on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)
    # The same for its names and its audiences' and topics' names and aliases: a match here
    # ranks a group above one that matches only in its description (directory/search.py).
    search_names = models.TextField(editable=False, blank=True)

    # The text fields kept in every language, as registered in translation.py.
    TRANSLATED_FIELDS = TranslatedFields()
    # A language's listing is complete when these are written in it.
    COMPLETE_WITH = ("name", "summary", "description")
    # What a visitor's card shows. Without them in a language, the public list shows the
    # group there in another language (marked with its lang).
    SHOWN_WITH = ("name", "summary")

    objects = GroupManager()
    # Every change is kept, with who made it, and can be restored from the admin.
    # The proposer's contact details are left out, so that erasing them (purge_closed_contacts)
    # leaves no copy behind.
    history = HistoricalRecords(
        excluded_fields=[
            "search_text",
            "search_names",
            "next_session_on",
            "proposer_name",
            "proposer_email",
        ],
        m2m_fields=["audiences", "topics", "languages", "serves_regions"],
    )

    class Meta:
        ordering = ["-last_verified", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [
            models.Index(fields=["published", "status", "-last_verified"]),
            models.Index(fields=["published", "municipality"]),
            # The list's default order, walked in index order: SQLite does not use the index
            # above for a bare boolean test, and sorted all 10,000 groups for each page.
            models.Index(fields=["status", "-last_verified", "id"], name="group_relevance_idx"),
            # Proposals waiting for an editor: a few rows among thousands.
            models.Index(fields=["review"], name="group_review_idx"),
            # A group's address in each language. Declared here rather than with db_index,
            # which on PostgreSQL adds a second, LIKE-only index per column. Every index is
            # one more path the planner weighs for each query on groups: the low-cardinality
            # choices (kind, attendance, cost, led by, status, published) have none of their
            # own, the composite indexes above serve the list, and planning the list's query
            # went from 0.57 to about 0.2 ms.
            *(
                models.Index(fields=[f"slug_{code}"], name=f"group_slug_{code}_idx")
                for code, _name in settings.LANGUAGES
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="group_age_range",
            ),
        ]

    def __str__(self):
        return self.name or self.any_name()

    def any_name(self):
        """The name in the current language, else in the first language that has one."""
        return first_translation(self, "name", [translation.get_language()])[1]

    def is_complete_in(self, language):
        return all(getattr(self, f"{field}_{language}", None) for field in self.COMPLETE_WITH)

    def is_written_in(self, language):
        """Its card reads in `language`: else visitors there read it in another language."""
        return all(getattr(self, f"{field}_{language}", None) for field in self.SHOWN_WITH)

    def languages_not_written(self):
        return [code for code, _name in settings.LANGUAGES if not self.is_written_in(code)]

    @property
    def is_hidden_for_staleness(self):
        """Meant to be on the site (published, not ended), yet off it: the public rule
        (GroupQuerySet.published) leaves it out only because it was not verified for too long."""
        if not self.pk or not self.published or self.status == self.Status.ENDED:
            return False
        return not Group.objects.published().filter(pk=self.pk).exists()

    def get_absolute_url(self):
        slug = self.localized_slug()
        return reverse("directory:group_detail", kwargs={"slug": slug})

    def localized_slug(self, language=None):
        language = language or translation.get_language()
        return getattr(self, f"slug_{language}", None) or self.slug or str(self.pk)

    @property
    def is_online(self):
        return self.attendance in {self.Attendance.ONLINE, self.Attendance.HYBRID}

    @property
    def in_person(self):
        return self.attendance in {self.Attendance.IN_PERSON, self.Attendance.HYBRID}

    @property
    def distance_km(self):
        """How far it meets from the visitor's postcode, in km: None when not measured (no
        postcode, online only, or listed for its online meetings: `GroupQuerySet.near`)."""
        distance2 = getattr(self, "distance2", None)
        if distance2 is None:
            return None
        return math.sqrt(distance2)

    def clean(self):
        errors = {}
        if self.in_person and not self.municipality_id:
            errors["municipality"] = _("A group that meets in person needs its municipality.")
        if self.frequency == self.Frequency.MONTHLY and (
            self.week_of_month is None or self.weekday is None
        ):
            errors["week_of_month"] = _("A monthly group needs its week and day, e.g. 2nd Tuesday.")
        if self.frequency in {self.Frequency.WEEKLY, self.Frequency.FORTNIGHTLY} and (
            self.weekday is None
        ):
            errors["weekday"] = _("A weekly or fortnightly group needs its day.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last session cannot be before the first.")
        if self.cost == self.Cost.AMOUNT and self.cost_amount is None:
            errors["cost_amount"] = _("Give the price, or choose another kind of cost.")
        if self.status == self.Status.STARTS and not self.start_date:
            errors["start_date"] = _("A group that starts on a date needs that date.")
        method_fields = {
            self.Registration.LINK: "registration_url",
            self.Registration.EMAIL: "registration_email",
            self.Registration.PHONE: "registration_phone",
        }
        needed = method_fields.get(self.registration)
        if needed and not getattr(self, needed):
            errors[needed] = _("Fill this in: it is how people register.")
        if errors:
            raise ValidationError(errors)

    # --- schedule ---

    def rule(self):
        return schedule_rules.rule_for(self)

    def next_session(self, after=None):
        """The next session's start (a timezone-aware datetime), or None."""
        return schedule_rules.next_occurrence(self, after or timezone.now())

    def upcoming_sessions(self, count=3):
        return schedule_rules.occurrences(self, timezone.now(), count)

    @property
    def freshness(self):
        return freshness(self.last_verified)

    @property
    def is_stale(self):
        return self.freshness != Freshness.FRESH

    def refresh_derived(self, search=True):
        """Recompute the stored search text and next-session date.

        The audiences, topics and languages are read afresh from the database (a new group has
        none yet: signals.refresh_after_terms_change fills them in once they are set).
        `search=False` leaves the search text to a later `Group.objects.refresh_search()`.
        """
        if search:
            self.search_text, self.search_names = self.search_documents()
        nxt = self.next_session()
        self.next_session_on = nxt.date() if nxt else None
        if self.published and not self.published_at:
            self.published_at = timezone.now()

    def search_documents(self):
        """(search_text, search_names), with the group's terms as stored now."""
        if self.pk is None:
            terms = ([], [], [])
        else:
            terms = [
                model.objects.filter(groups=self.pk) for model in (Audience, Topic, SpokenLanguage)
            ]
        return search.group_documents(self, *terms)

    def slug_base(self, code):
        """A new slug's start in a language: its name there, else the first name it has."""
        name = getattr(self, f"name_{code}") or first_translation(self, "name")[1] or "group"
        return slugify(name)[:100] or "group"

    @staticmethod
    def next_free_slug(base, is_taken, start=1):
        """(slug, n): `base`, else `base-2`, `base-3`…, the first that `is_taken` refuses.

        `start` lets a caller that makes many slugs resume where the last one with the same
        base stopped (the CSV import), instead of counting up from 1 again.
        """
        n = start
        candidate = base if n == 1 else f"{base}-{n}"
        while is_taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        return candidate, n

    def fill_slugs(self):
        """Give every language a slug, unique among that language's slugs."""
        for code, _name in settings.LANGUAGES:
            field = f"slug_{code}"
            if getattr(self, field):
                continue
            others = Group.objects.exclude(pk=self.pk)

            def is_taken(candidate, field=field, others=others):
                return others.filter(**{field: candidate}).exists()

            slug, _n = self.next_free_slug(self.slug_base(code), is_taken)
            setattr(self, field, slug)

    def save(self, *args, **kwargs):
        self.fill_slugs()
        self.refresh_derived()
        super().save(*args, **kwargs)


class Proposal(Group):
    """A group proposed by its organiser, as the editors' review queue shows it."""

    class Meta:
        proxy = True
        verbose_name = _("proposed group")
        verbose_name_plural = _("proposed groups")
