"""Plain factory helpers: each makes one valid object with sensible defaults."""

import datetime
import itertools

from django.utils import timezone

from directory.management.commands.load_reference import Command as ReferenceLoader
from directory.management.commands.load_reference import municipality_positions
from directory.models import (
    Audience,
    Group,
    Helpline,
    Municipality,
    Network,
    Organisation,
    Platform,
    PostalCode,
    Province,
    Region,
    SpokenLanguage,
    Topic,
)

STATBEL = "https://statbel.fgov.be/en/open-data"
_counter = itertools.count(1)


def make_geography():
    """A small, real slice of Belgium: Brussels (1050 spans two municipalities) and Antwerp,
    each municipality at its real position (fixtures/reference/municipality-positions.json)."""
    brussels = Region.objects.create(
        code="04000",
        slug="brussels",
        name_nl="Brussels Hoofdstedelijk Gewest",
        name_fr="Région de Bruxelles-Capitale",
        name_en="Brussels-Capital Region",
        source_url=STATBEL,
    )
    flanders = Region.objects.create(
        code="02000",
        slug="flanders",
        name_nl="Vlaams Gewest",
        name_fr="Région flamande",
        name_en="Flemish Region",
        source_url=STATBEL,
    )
    Region.objects.create(
        code="03000",
        slug="wallonia",
        name_nl="Waals Gewest",
        name_fr="Région wallonne",
        name_en="Walloon Region",
        source_url=STATBEL,
    )
    antwerp_province = Province.objects.create(
        code="10000",
        region=flanders,
        name_nl="Antwerpen",
        name_fr="Anvers",
        name_en="Antwerp",
        source_url=STATBEL,
    )
    places = [
        ("21004", "Brussel", "Bruxelles", "City of Brussels", None, brussels, ["1000", "1050"]),
        ("21009", "Elsene", "Ixelles", "Ixelles", None, brussels, ["1050"]),
        ("11002", "Antwerpen", "Anvers", "Antwerp", antwerp_province, flanders, ["2000"]),
        ("11005", "Boom", "Boom", "Boom", antwerp_province, flanders, ["2850"]),
    ]
    positions = municipality_positions()
    for code, nl, fr, en, province, region, postcodes in places:
        municipality = Municipality.objects.create(
            **positions[code],
            code=code,
            name_nl=nl,
            name_fr=fr,
            name_en=en,
            province=province,
            region=region,
            source_url=STATBEL,
        )
        for postcode in postcodes:
            PostalCode.objects.create(code=postcode, municipality=municipality)


def load_taxonomies_and_helplines():
    loader = ReferenceLoader()
    loader.update = False
    loader.load_taxonomies()
    loader.load_helplines()


def make_organisation(**fields):
    fields.setdefault("name", f"Organisation {next(_counter)}")
    return Organisation.objects.create(**fields)


def make_group(audiences=(), topics=(), languages=("nl",), serves_regions=(), **fields):
    n = next(_counter)
    defaults = {
        "kind": Group.Kind.SUPPORT,
        "name_nl": f"Praatgroep {n}",
        "name_fr": f"Groupe de parole {n}",
        "name_en": f"Talking group {n}",
        "summary_nl": "Een warme groep om te praten.",
        "summary_fr": "Un groupe chaleureux pour parler.",
        "summary_en": "A warm group to talk.",
        "facilitation": Group.Facilitation.PEER,
        "attendance": Group.Attendance.IN_PERSON,
        "municipality": Municipality.objects.get(code="21004"),
        "postal_code": "1000",
        "frequency": Group.Frequency.WEEKLY,
        "weekday": 1,
        "start_time": datetime.time(19, 0),
        "cost": Group.Cost.FREE,
        "registration": Group.Registration.NONE,
        "published": True,
        "last_verified": timezone.localdate(),
    }
    if fields.get("attendance") == Group.Attendance.ONLINE:
        defaults["municipality"] = None
        defaults["postal_code"] = ""
    if "organisation" not in fields:
        defaults["organisation"] = make_organisation()
    defaults.update(fields)
    group = Group(**defaults)
    group.full_clean()
    group.save()
    group.audiences.set(Audience.objects.filter(slug__in=audiences))
    group.topics.set(Topic.objects.filter(slug__in=topics))
    group.languages.set(SpokenLanguage.objects.filter(code__in=languages))
    group.serves_regions.set(Region.objects.filter(slug__in=serves_regions))
    return group


def make_network(municipality_codes=("21004", "21009"), **fields):
    n = next(_counter)
    defaults = {
        "slug": f"network-{n}",
        "kind": Network.Kind.ADULT,
        "name": f"Network {n}",
        "area_description_nl": "Het hele gebied",
        "area_description_fr": "Toute la zone",
        "area_description_en": "The whole area",
        "source_url": "https://example.org/source",
    }
    defaults.update(fields)
    network = Network.objects.create(**defaults)
    network.municipalities.set(Municipality.objects.filter(code__in=municipality_codes))
    return network


def make_article(languages=("nl", "fr", "en"), audiences=(), topics=(), references=0, **fields):
    """A published article translated into `languages`, titled after its language."""
    from articles.models import Article, Reference
    from directory.models import Audience, Topic

    make_article.counter = getattr(make_article, "counter", 0) + 1
    n = make_article.counter
    texts = {}
    for code in languages:
        texts.update(
            {
                f"title_{code}": f"Article {n} {code}",
                f"summary_{code}": f"Summary {n} in {code}.",
                f"body_{code}": f"<h2>Part one</h2><p>Body of article {n} in {code}.</p>",
            }
        )
    defaults = {
        "author_name": "Editorial team",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(days=n),
        **texts,
    }
    defaults.update(fields)
    article = Article.objects.create(**defaults)
    article.audiences.set(Audience.objects.filter(slug__in=audiences))
    article.topics.set(Topic.objects.filter(slug__in=topics))
    for i in range(references):
        Reference.objects.create(
            article=article,
            order=i,
            authors="Yalom, I. D., & Leszcz, M.",
            year=2020,
            title="The theory and practice of group psychotherapy",
            container="Basic Books",
            edition="6th ed.",
        )
    return article


def make_proposal(language="fr", **fields):
    """A group as an organiser proposed it: unpublished, waiting for review, one language only."""
    from django.utils import translation

    from directory.models import Proposal

    n = next(_counter)
    blank_texts = {
        f"{field}_{code}": "" for field in ("name", "summary") for code in ["nl", "fr", "en"]
    }
    defaults = {
        **blank_texts,
        f"name_{language}": f"Proposed group {n}",
        f"summary_{language}": "A group proposed by its organiser.",
        f"schedule_note_{language}": "Every Tuesday evening.",
        "published": False,
        "review": Group.Review.PENDING,
        "proposal_language": language,
        "proposer_name": "Camille Organiser",
        "proposer_email": f"organiser{n}@example.org",
        "proposed_at": timezone.now(),
    }
    defaults.update(fields)
    with translation.override(language):  # the required `name` is read in this language
        group = make_group(**defaults)
    return Proposal.objects.get(pk=group.pk)


def make_correction_report(group, **fields):
    from directory.models import CorrectionReport

    defaults = {"message": "The group now meets on Thursdays.", "language": "fr"}
    defaults.update(fields)
    return CorrectionReport.objects.create(group=group, **defaults)


def make_subscriber(
    email=None, language="en", confirmed=True, regions=(), provinces=(), audiences=(), **fields
):
    """A newsletter subscriber, confirmed by default; interests by region or province code and
    audience slug."""
    from newsletter import consent
    from newsletter.models import Subscriber

    now = timezone.now()
    defaults = {
        "email": email or f"reader{next(_counter)}@example.org",
        "language": language,
        "consent_version": consent.CURRENT,
        "asked_at": now - datetime.timedelta(hours=1),
    }
    if confirmed:
        defaults.update(status=Subscriber.Status.CONFIRMED, confirmed_at=now)
    defaults.update(fields)
    subscriber = Subscriber.objects.create(**defaults)
    subscriber.regions.set(Region.objects.filter(code__in=regions))
    subscriber.provinces.set(Province.objects.filter(code__in=provinces))
    subscriber.audiences.set(Audience.objects.filter(slug__in=audiences))
    return subscriber


def set_staff_session_times(client, signed_in_at, last_seen):
    """Make a test client's staff session look signed in at `signed_in_at` and last active at
    `last_seen` (Unix times), as healing_together.admin_site keeps them."""
    from healing_together import admin_site

    session = client.session
    session[admin_site.SESSION_SIGNED_IN_AT] = int(signed_in_at)
    session[admin_site.SESSION_LAST_SEEN] = int(last_seen)
    session.save()


def expire_staff_session(client):
    """A staff session idle for longer than STAFF_SESSION_IDLE_SECONDS."""
    import time

    from django.conf import settings

    now = time.time()
    set_staff_session_times(client, now - 3600, now - settings.STAFF_SESSION_IDLE_SECONDS - 5)


def remove_reference_data():
    """Undo `load_reference` done outside a test's transaction (a module fixture), its history
    included: the historical records of the networks and platforms deleted here would
    otherwise stay for the rest of the session, as deletes that other tests (Recently deleted)
    would list."""
    for model in (Network, Platform, Helpline, PostalCode, Municipality, Province, Region):
        model.objects.all().delete()
        if hasattr(model, "history"):
            model.history.all().delete()
