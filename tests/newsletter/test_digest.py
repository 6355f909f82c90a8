"""The digest: what matches whom, and a command that is safe to interrupt and run again."""

import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from directory.models import Group, Municipality
from newsletter import digest
from newsletter.models import Subscriber
from tests.factories import make_article, make_group, make_subscriber

from .conftest import SITE, url

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def published(obj, days):
    """Pretend a group or article appeared `days` days ago."""
    if isinstance(obj, Group):
        Group.objects.filter(pk=obj.pk).update(published_at=days_ago(days))
    else:
        Article.objects.filter(pk=obj.pk).update(publish_at=days_ago(days))
    return obj


def reader(**fields):
    fields.setdefault("confirmed_at", days_ago(10))
    return make_subscriber(**fields)


def group_names(subscriber):
    return sorted(g.name_en for g in digest.build(subscriber, timezone.now()).groups)


def article_titles(subscriber):
    return sorted(a.title_en for a in digest.build(subscriber, timezone.now()).articles)


@pytest.fixture
def places(reference):
    antwerp = Municipality.objects.get(code="11002")
    groups = {
        "Brussels": make_group(name_en="Brussels"),
        "Antwerp": make_group(name_en="Antwerp", municipality=antwerp, postal_code="2000"),
        "Online everywhere": make_group(name_en="Online everywhere", attendance="online"),
        "Online Flanders": make_group(
            name_en="Online Flanders", attendance="online", serves_regions=["flanders"]
        ),
        "Hybrid Antwerp": make_group(
            name_en="Hybrid Antwerp",
            attendance="hybrid",
            municipality=antwerp,
            postal_code="2000",
            serves_regions=["flanders"],
        ),
    }
    for group in groups.values():
        published(group, 1)
    return groups


def test_groups_match_regions_provinces_and_online_areas(places):
    assert group_names(reader(regions=["04000"])) == ["Brussels", "Online everywhere"]
    assert group_names(reader(provinces=["10000"])) == [
        "Antwerp",
        "Hybrid Antwerp",
        "Online Flanders",
        "Online everywhere",
    ]
    assert group_names(reader(regions=["02000"], provinces=[])) == group_names(
        reader(provinces=["10000"])
    )
    assert group_names(reader(regions=["03000"])) == ["Online everywhere"]


def test_no_choice_means_everything(places):
    assert group_names(reader()) == sorted(places)


def test_groups_match_audiences_and_groups_for_everyone(reference):
    published(make_group(name_en="For caregivers", audiences=["caregivers"]), 1)
    published(make_group(name_en="For parents", audiences=["parents"]), 1)
    published(make_group(name_en="For everyone"), 1)
    published(make_group(name_en="Caregivers and parents", audiences=["caregivers", "parents"]), 1)
    subscriber = reader(audiences=["caregivers", "women"])
    assert group_names(subscriber) == ["Caregivers and parents", "For caregivers", "For everyone"]


def test_only_groups_published_since_the_last_digest_or_the_confirmation(reference):
    published(make_group(name_en="Old"), 20)
    published(make_group(name_en="Since confirming"), 5)
    published(make_group(name_en="Since the last digest"), 1)
    unpublished = make_group(name_en="Not published", published=False)
    Group.objects.filter(pk=unpublished.pk).update(published_at=days_ago(1))
    assert group_names(reader()) == ["Since confirming", "Since the last digest"]
    assert group_names(reader(last_digest_at=days_ago(3))) == ["Since the last digest"]


def test_articles_in_the_subscribers_language_matching_audiences(reference):
    published(make_article(title_en="For everyone", languages=["nl", "fr", "en"]), 1)
    published(make_article(title_en="Dutch only", languages=["nl"]), 1)
    published(make_article(title_en="For parents", audiences=["parents"]), 1)
    published(make_article(title_en="For caregivers", audiences=["caregivers"]), 1)
    published(make_article(title_en="Old news"), 20)
    make_article(title_en="Draft", status=Article.Status.DRAFT, publish_at=days_ago(1))
    make_article(title_en="Scheduled", publish_at=NOW + datetime.timedelta(days=2))
    subscriber = reader(language="en", audiences=["caregivers"])
    assert article_titles(subscriber) == ["For caregivers", "For everyone"]
    assert article_titles(reader(language="en")) == [
        "For caregivers",
        "For everyone",
        "For parents",
    ]


@pytest.fixture
def two_readers(reference, site_url):
    published(make_group(name_nl="Brusselse groep", name_fr="Groupe bruxellois"), 1)
    published(make_article(title_fr="Un article", title_nl="Een artikel"), 1)
    french = reader(email="fr@example.be", language="fr", regions=["04000"])
    dutch = reader(email="nl@example.be", language="nl", audiences=["parents"])
    # Confirmed after everything was published: nothing is new for them.
    late = reader(email="late@example.be", confirmed_at=NOW)
    return french, dutch, late


def test_send_digest_sends_each_subscriber_their_news_in_their_language(two_readers):
    french, _dutch, _late = two_readers
    make_subscriber("pending@example.be", confirmed=False)
    out, err = run()
    assert "Digests: 2 sent, 1 skipped (nothing new), 0 failed." in out
    assert "[##############################] 3/3" in err
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"fr@example.be", "nl@example.be"}
    message = by_recipient["fr@example.be"]
    assert "Groupe bruxellois" in message.body
    assert "Un article" in message.body
    assert f"{SITE}/fr/" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert "Groupe bruxellois" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"][1:-1]
    assert unsubscribe.startswith(f"{SITE}{url('newsletter:unsubscribe', 'fr', token='T')[:-2]}")
    assert unsubscribe in message.body
    assert unsubscribe in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Een artikel" in by_recipient["nl@example.be"].body
    french.refresh_from_db()
    assert french.last_digest_at is not None
    # A second run finds nothing new for anyone.
    mail.outbox.clear()
    out, _err = run()
    assert "Digests: 0 sent, 3 skipped (nothing new), 0 failed." in out
    assert mail.outbox == []


def test_dry_run_sends_and_records_nothing(two_readers):
    out, _err = run("--dry-run")
    assert "Dry run: 2 digests would be sent" in out
    assert mail.outbox == []
    assert not Subscriber.objects.filter(last_digest_at__isnull=False).exists()


def test_the_command_needs_the_site_address(two_readers, settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        run()


class FlakyBackend(EmailBackend):
    """Delivers `limit` messages, then fails like a mail server that went away."""

    limit = 2
    delivered = 0
    failure = SMTPServerDisconnected

    def send_messages(self, messages):
        if FlakyBackend.delivered >= FlakyBackend.limit:
            raise FlakyBackend.failure("Connection unexpectedly closed")
        FlakyBackend.delivered += len(messages)
        return super().send_messages(messages)


@pytest.fixture
def five_readers(reference, site_url):
    published(make_group(name_en="New group"), 1)
    return [reader(email=f"r{n}@example.be") for n in range(5)]


def digests_per_recipient():
    counts = {}
    for message in mail.outbox:
        counts[message.to[0]] = counts.get(message.to[0], 0) + 1
    return counts


def test_a_run_that_fails_halfway_can_be_run_again_without_doubles(five_readers, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.test_digest.FlakyBackend"
    FlakyBackend.delivered, FlakyBackend.failure = 0, SMTPServerDisconnected
    with pytest.raises(CommandError, match="3 digests could not be sent"):
        run()
    assert len(mail.outbox) == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, _err = run()
    assert "Digests: 3 sent, 2 skipped (nothing new), 0 failed." in out
    assert digests_per_recipient() == {f"r{n}@example.be": 1 for n in range(5)}
    out, _err = run()
    assert "0 sent" in out
    assert len(mail.outbox) == 5


def test_an_interrupted_run_never_sends_anyone_the_same_digest_twice(five_readers, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.test_digest.FlakyBackend"
    FlakyBackend.delivered, FlakyBackend.failure = 0, KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        run()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    counts = digests_per_recipient()
    assert max(counts.values()) == 1
    # Only the digest being sent at the moment of the interruption may be lost.
    assert len(counts) >= 4


def test_someone_who_unsubscribes_during_a_run_gets_nothing(five_readers):
    # The command claims each digest in the database just before sending it.
    gone = five_readers[3]
    original = digest.build

    def build_then_unsubscribe(subscriber, until):
        news = original(subscriber, until)
        if subscriber.pk == gone.pk:
            Subscriber.objects.filter(pk=gone.pk).delete()
        return news

    digest.build = build_then_unsubscribe
    try:
        run()
    finally:
        digest.build = original
    assert gone.email not in digests_per_recipient()
    assert len(mail.outbox) == 4


def test_a_long_digest_lists_twenty_groups_and_links_to_the_rest(reference, site_url):
    for n in range(23):
        published(make_group(name_en=f"Group {n}"), 1)
    subscriber = reader()
    news = digest.build(subscriber, timezone.now())
    assert len(news.groups) == 20
    assert news.more_groups == 3
    message = news.message(SITE)
    assert "And 3 more groups:" in message.body


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("send_digest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
