"""The directory: groups and the reference data around them.

Concepts follow the Open Referral Human Services Data Specification (HSDS 3) without its
complexity: an Organisation runs a Group (the service) at a location or online; geography comes
from Statbel (REFNIS codes); 107 networks, platforms and helplines sit beside the groups.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from healing_together.i18n import TranslatedFields, first_translation
from healing_together.text import fold

from . import schedule as schedule_rules
from .freshness import Freshness, freshness
from .querysets import GroupQuerySet, HelplineQuerySet, MunicipalityQuerySet, NetworkQuerySet


class SourcedModel(models.Model):
    """Reference data that claims to be real says where it was checked."""

    source_url = models.URLField(_("source"), max_length=500)
    retrieved = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        abstract = True


# --- Geography (Statbel REFNIS) ---------------------------------------------------------------


class Region(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Province(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Municipality(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # The Brussels-Capital Region has no province.
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="municipalities"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    def all_names(self):
        return [getattr(self, f"name_{code}") or "" for code, _n in settings.LANGUAGES]


class PostalCode(models.Model):
    """A postcode can cover several municipalities (1050: Brussels and Ixelles)."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postal_codes"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode_place")
        ]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self):
        return f"{self.code} {self.municipality}"


# --- Taxonomies (editor-managed, translated) --------------------------------------------------


class Term(models.Model):
    slug = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Used in links; never change it.")
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name


class Audience(Term):
    class Meta(Term.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class Topic(Term):
    class Meta(Term.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class SpokenLanguage(models.Model):
    code = models.CharField(
        _("ISO 639 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2,3}$", _("Use a lower-case ISO 639 code."))],
    )
    name = models.CharField(_("name"), max_length=60)
    native_name = models.CharField(_("name in that language"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    def __str__(self):
        return self.name


# --- Organisations and groups -----------------------------------------------------------------


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
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

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("organisation"),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    facilitation = models.CharField(
        _("led by"), max_length=12, choices=Facilitation.choices, db_index=True
    )
    audiences = models.ManyToManyField(Audience, blank=True, related_name="groups")
    topics = models.ManyToManyField(Topic, blank=True, related_name="groups")
    languages = models.ManyToManyField(SpokenLanguage, related_name="groups")

    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, db_index=True
    )
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
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
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
    next_session_on = models.DateField(editable=False, null=True, db_index=True)

    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices, db_index=True)
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
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )

    last_verified = models.DateField(_("last verified"), default=datetime.date.today)
    published = models.BooleanField(_("published"), default=False, db_index=True)
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
        _("review"), max_length=8, choices=Review.choices, default=Review.NONE, db_index=True
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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Accent- and case-folded text of every searchable field in every language, so that free-text
    # search gives the same answers on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)

    # The text fields kept in every language, as registered in translation.py.
    TRANSLATED_FIELDS = TranslatedFields()
    # A language's listing is complete when these are written in it.
    COMPLETE_WITH = ("name", "summary", "description")

    objects = GroupQuerySet.as_manager()
    # Every change is kept, with who made it, and can be restored from the admin.
    # The proposer's contact details are left out, so that erasing them (purge_closed_contacts)
    # leaves no copy behind.
    history = HistoricalRecords(
        excluded_fields=["search_text", "next_session_on", "proposer_name", "proposer_email"],
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

    def refresh_derived(self):
        """Recompute the stored search text and next-session date."""
        self.search_text = fold(" ".join(self._search_parts()))
        nxt = self.next_session()
        self.next_session_on = nxt.date() if nxt else None
        if self.published and not self.published_at:
            self.published_at = timezone.now()

    def _search_parts(self):
        for code, _name in settings.LANGUAGES:
            for field in ("name", "summary", "description"):
                yield getattr(self, f"{field}_{code}", "") or ""
        yield self.organisation.name if self.organisation_id else ""
        yield self.venue
        yield self.postal_code
        if self.municipality_id:
            municipality = self.municipality
            for code, _name in settings.LANGUAGES:
                yield getattr(municipality, f"name_{code}", "") or ""

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


class CorrectionReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CorrectionReport.Status.OPEN)

    def resolved(self):
        return self.filter(status=CorrectionReport.Status.RESOLVED)


class CorrectionReport(models.Model):
    """A visitor's "report a correction" about a group, waiting in the editors' queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="correction_reports",
        verbose_name=_("group"),
    )
    message = models.TextField(_("what is wrong"))
    email = models.EmailField(
        _("reporter's email"), blank=True, help_text=_("Only to reply; erased later.")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("reported on"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    editor_note = models.TextField(
        _("editor's note"), blank=True, help_text=_("For editors only: what was done.")
    )

    objects = CorrectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")

    def __str__(self):
        return _("Correction to %(group)s") % {"group": self.group}

    def resolve(self, user, note=None):
        self.status = self.Status.RESOLVED
        self.resolved_at = timezone.now()
        self.resolved_by = user
        if note is not None:
            self.editor_note = note


# --- 107 networks, platforms, helplines -------------------------------------------------------


class Network(SourcedModel):
    class Kind(models.TextChoices):
        ADULT = "adult", _("Adults")
        YOUTH = "youth", _("Children and young people")

    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(_("for"), max_length=5, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    area_description = models.CharField(_("area"), max_length=300)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="networks", verbose_name=_("municipalities covered")
    )

    objects = NetworkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("107 network")
        verbose_name_plural = _("107 networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:network_detail", kwargs={"slug": self.slug})


class Platform(SourcedModel):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"))
    website = models.URLField(_("website"))
    regions = models.ManyToManyField(Region, related_name="platforms", verbose_name=_("serves"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name


class Helpline(SourcedModel):
    slug = models.SlugField(max_length=60, unique=True)
    number = models.CharField(_("number as shown"), max_length=30)
    dial = models.CharField(
        _("number to dial"),
        max_length=20,
        validators=[RegexValidator(r"^\+?[0-9]+$", _("Digits only, optionally with a leading +."))],
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("what it is for"), max_length=300)
    hours = models.CharField(_("hours"), max_length=150)
    cost = models.CharField(_("cost"), max_length=100, blank=True)
    languages = models.JSONField(_("languages answered in"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    chat_url = models.URLField(_("chat"), blank=True)
    is_emergency = models.BooleanField(_("emergency number"), default=False)
    strip_languages = models.JSONField(
        _("shown in the header strip for"),
        default=list,
        blank=True,
        help_text=_('Site languages (e.g. ["nl", "en"]) whose header strip shows this line.'),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("shown on the site"), default=True)

    objects = HelplineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")

    def __str__(self):
        return f"{self.number} {self.name}"
