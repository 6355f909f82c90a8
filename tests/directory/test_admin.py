"""The directory's admin: list columns and filters, bulk verification, history and restore, the
admin home's "Needs attention" panel, and the rich-text description."""

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.utils import timezone

from directory.models import Audience, Group, Region
from tests.factories import make_group, make_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

CHANGELIST = "/admin/directory/group/"


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def listed(response):
    """Primary keys of the groups on a changelist page."""
    return {obj.pk for obj in response.context["cl"].result_list}


def form_data(form, **changes):
    """What a browser would post for an admin form as it is shown, with some fields changed."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(v) for v in value or []]
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    data.update(changes)
    return data


# --- list, columns and filters ----------------------------------------------------------------


def test_changelist_flags_freshness_and_missing_translations(admin_client, reference):
    make_group(name_nl="Vers", last_verified=days_ago(3))
    make_group(name_nl="Te verifiëren", last_verified=days_ago(settings.GROUP_STALE_AFTER_DAYS + 5))
    make_group(name_nl="Verborgen", last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 5))
    make_group(name_nl="Zonder Frans", summary_fr="")
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("ht-flag-fresh") == 2
    assert html.count("ht-flag-stale") == 1
    assert html.count("ht-flag-hidden") == 1
    # Every group lacks a description, so every language is flagged; FR twice over is still one.
    assert 'class="ht-lang ht-lang-missing"' in html
    assert "<style" not in html
    assert 'style="' not in html


def test_freshness_filter(admin_client, reference):
    fresh = make_group(last_verified=days_ago(1))
    stale = make_group(last_verified=days_ago(settings.GROUP_STALE_AFTER_DAYS + 1))
    hidden = make_group(last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 1))
    make_group(published=False, last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 1))
    make_group(status="ended", last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 9))
    assert listed(admin_client.get(CHANGELIST, {"freshness": "fresh"})) == {fresh.pk}
    assert listed(admin_client.get(CHANGELIST, {"freshness": "stale"})) == {stale.pk}
    # Hidden *for staleness*: published groups the public would otherwise see.
    assert listed(admin_client.get(CHANGELIST, {"freshness": "hidden"})) == {hidden.pk}
    assert admin_client.get(CHANGELIST, {"freshness": "nonsense"}).status_code == 200


def test_missing_translation_filter_per_language(admin_client, reference):
    complete = make_group(description_nl="a", description_fr="b", description_en="c")
    no_french = make_group(
        summary_fr="", description_nl="a", description_fr="b", description_en="c"
    )
    no_english_description = make_group(description_nl="a", description_fr="b")
    assert listed(admin_client.get(CHANGELIST, {"missing_fr": "1"})) == {no_french.pk}
    assert listed(admin_client.get(CHANGELIST, {"missing_en": "1"})) == {no_english_description.pk}
    assert listed(admin_client.get(CHANGELIST, {"missing_nl": "1"})) == set()
    assert listed(admin_client.get(CHANGELIST, {"missing_fr": "0"})) == {
        complete.pk,
        no_english_description.pk,
    }


def test_region_filter_covers_meeting_place_and_online_area(admin_client, reference):
    from directory.models import Municipality

    antwerp = make_group(municipality=Municipality.objects.get(code="11002"), postal_code="2000")
    make_group()  # Brussels
    online_flanders = make_group(attendance=Group.Attendance.ONLINE, serves_regions=["flanders"])
    make_group(attendance=Group.Attendance.ONLINE, serves_regions=["brussels"])
    response = admin_client.get(CHANGELIST, {"region": "flanders"})
    assert listed(response) == {antwerp.pk, online_flanders.pk}


def test_other_filters_and_search(admin_client, reference):
    caregivers = make_group(audiences=["caregivers"], kind=Group.Kind.THERAPY)
    other = make_group(name_fr="Cercle de parole du jeudi", postal_code="1050")
    audience = Audience.objects.get(slug="caregivers")
    assert listed(admin_client.get(CHANGELIST, {"audiences__id__exact": audience.pk})) == {
        caregivers.pk
    }
    assert listed(admin_client.get(CHANGELIST, {"kind__exact": "therapy"})) == {caregivers.pk}
    assert listed(admin_client.get(CHANGELIST, {"q": "cercle de parole"})) == {other.pk}
    assert listed(admin_client.get(CHANGELIST, {"q": "1050"})) == {other.pk}
    assert listed(admin_client.get(CHANGELIST, {"q": other.organisation.name})) == {other.pk}
    assert listed(admin_client.get(CHANGELIST, {"q": "Bruxelles"})) == {caregivers.pk, other.pk}
    year = timezone.localdate().year
    assert admin_client.get(CHANGELIST, {"last_verified__year": year}).status_code == 200


def test_changelist_query_count_does_not_grow_with_groups(
    admin_client, reference, django_assert_max_num_queries
):
    for _ in range(3):
        make_group(audiences=["caregivers"], languages=["nl", "fr"])
    with django_assert_max_num_queries(25) as few:
        admin_client.get(CHANGELIST)
    for _ in range(30):
        make_group(audiences=["parents"], serves_regions=["brussels"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 33


# --- bulk "verified today" --------------------------------------------------------------------


def test_verified_today_action_sets_the_date_and_records_it(admin_client, admin_user, reference):
    old = [make_group(last_verified=days_ago(400)) for _ in range(2)]
    untouched = make_group(last_verified=days_ago(400))
    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_verified_today", "_selected_action": [g.pk for g in old]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 groups marked as verified today." in response.content.decode()
    for group in old:
        group.refresh_from_db()
        assert group.last_verified == timezone.localdate()
        record = group.history.latest()
        assert record.history_change_reason == "Verified today"
        assert record.history_user == admin_user
        assert record.prev_record.last_verified == days_ago(400)
    untouched.refresh_from_db()
    assert untouched.last_verified == days_ago(400)
    assert Group.objects.published().filter(pk=old[0].pk).exists()


# --- history and restore ----------------------------------------------------------------------


def test_history_lists_changes_and_revert_restores_every_language(admin_client, reference):
    group = make_group(
        name_nl="Oude naam",
        name_fr="Ancien nom",
        name_en="Old name",
        description_nl="<p>Oud</p>",
        description_fr="<p>Ancien</p>",
        description_en="<p>Old</p>",
        audiences=["caregivers"],
    )
    original = group.history.latest()
    # An editor changes the group through the admin, in every language, with a reason.
    page = admin_client.get(f"/admin/directory/group/{group.pk}/change/")
    data = form_data(
        page.context["adminform"].form,
        name_nl="Nieuwe naam",
        name_fr="Nouveau nom",
        name_en="New name",
        description_nl="<p>Nieuw</p>",
        description_fr="<p>Nouveau</p>",
        description_en="<p>New</p>",
        audiences=[str(Audience.objects.get(slug="parents").pk)],
        change_reason="New season",
    )
    response = admin_client.post(f"/admin/directory/group/{group.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.name_fr == "Nouveau nom"
    assert group.history.latest().history_change_reason == "New season"

    history = admin_client.get(f"/admin/directory/group/{group.pk}/history/")
    assert history.status_code == 200
    html = history.content.decode()
    for text in ("New season", "Oude naam", "Nieuwe naam", "Ancien nom", "Nouveau nom"):
        assert text in html
    assert 'style="' not in html

    # Revert to the first version through the admin's revert view.
    url = f"/admin/directory/group/{group.pk}/history/{original.history_id}/"
    revert_page = admin_client.get(url)
    assert revert_page.status_code == 200
    response = admin_client.post(url, form_data(revert_page.context["adminform"].form))
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name_nl, group.name_fr, group.name_en) == ("Oude naam", "Ancien nom", "Old name")
    assert (group.description_nl, group.description_fr, group.description_en) == (
        "<p>Oud</p>",
        "<p>Ancien</p>",
        "<p>Old</p>",
    )
    assert [a.slug for a in group.audiences.all()] == ["caregivers"]


def test_networks_platforms_and_helplines_have_history_pages(admin_client, reference):
    from directory.models import Helpline, Platform
    from tests.factories import make_network

    network = make_network()
    helpline = Helpline.objects.first()
    for url in (
        f"/admin/directory/network/{network.pk}/history/",
        f"/admin/directory/helpline/{helpline.pk}/history/",
        "/admin/directory/network/",
        "/admin/directory/platform/",
        "/admin/directory/helpline/",
        "/admin/directory/organisation/",
        "/admin/directory/audience/",
        "/admin/directory/topic/",
        "/admin/directory/spokenlanguage/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert Platform.history.model  # every one of them keeps its history


def test_geography_is_read_only(admin_client, reference):
    region = Region.objects.get(slug="brussels")
    assert admin_client.get("/admin/directory/region/").status_code == 200
    assert admin_client.get("/admin/directory/region/add/").status_code == 403
    page = admin_client.get(f"/admin/directory/region/{region.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(f"/admin/directory/region/{region.pk}/change/", {"code": "9"})
    assert response.status_code == 403
    for model in ("province", "municipality", "postalcode"):
        assert admin_client.get(f"/admin/directory/{model}/").status_code == 200
        assert admin_client.get(f"/admin/directory/{model}/add/").status_code == 403


# --- rich-text description --------------------------------------------------------------------


def add_form(admin_client, **changes):
    page = admin_client.get("/admin/directory/group/add/")
    from directory.models import Municipality, Organisation, SpokenLanguage

    organisation = Organisation.objects.create(name="Vzw Samen")
    values = {
        "kind": "support",
        "name_nl": "Nieuwe groep",
        "organisation": str(organisation.pk),
        "facilitation": "peer",
        "languages": [str(SpokenLanguage.objects.get(code="nl").pk)],
        "attendance": "in_person",
        "municipality": str(Municipality.objects.get(code="21004").pk),
        "postal_code": "1000",
        "frequency": "weekly",
        "weekday": "1",
        "duration_minutes": "90",
        "cost": "free",
        "registration": "none",
        "status": "open",
        "last_verified": timezone.localdate().isoformat(),
    }
    values.update(changes)
    return form_data(page.context["adminform"].form, **values)


def test_description_uses_the_rich_text_editor_without_inline_script(admin_client, reference):
    response = admin_client.get("/admin/directory/group/add/")
    html = response.content.decode()
    for code, _name in settings.LANGUAGES:
        assert re.search(rf'<textarea name="description_{code}"[^>]*data-ht-prose-editor=', html)
    assert "admin-ext/prose-editor" in html
    assert "modeltranslation/js/tabbed_translation_fields" in html
    assert "admin-ext/vendor/jquery-ui-tabs" in html
    assert "ajax.googleapis.com" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    assert 'style="' not in html
    script_src = re.search(r"script-src ([^;]+)", response["Content-Security-Policy"]).group(1)
    assert script_src.strip() == "'self'"


def test_stored_description_is_sanitised(admin_client, reference):
    dirty = (
        '<h2>Wat</h2><p onclick="x()">Samen <strong>praten</strong></p>'
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
        '<p><a href="javascript:alert(1)">link</a> <a href="https://example.org">ok</a></p>'
    )
    response = admin_client.post(
        "/admin/directory/group/add/",
        add_form(admin_client, description_nl=dirty, description_fr="Regel een\n\nRegel twee"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    group = Group.objects.get(name_nl="Nieuwe groep")
    stored = group.description_nl
    for unsafe in ("<script", "onerror", "onclick", "javascript:", "<img"):
        assert unsafe not in stored
    assert "<h2>Wat</h2><p>Samen <strong>praten</strong></p>" in stored
    assert '<a href="https://example.org">ok</a>' in stored
    # Plain text typed without the editor (no JavaScript) is stored as paragraphs.
    assert group.description_fr == "<p>Regel een</p>\n\n<p>Regel twee</p>"
    assert not group.published
    assert group.history.latest().history_user.is_superuser


def test_empty_editor_stores_an_empty_description(admin_client, reference):
    response = admin_client.post(
        "/admin/directory/group/add/", add_form(admin_client, description_en="<p></p>")
    )
    assert response.status_code == 302
    assert Group.objects.get(name_nl="Nieuwe groep").description_en == ""


def test_public_page_shows_html_and_older_plain_text_descriptions(client, reference):
    html_group = make_group(
        description_nl="<h2>Voor wie</h2><p>Voor <em>iedereen</em>.</p><script>x</script>"
    )
    page = client.get(f"/nl/groepen/{html_group.slug_nl}/")
    html = page.content.decode()
    assert "<h3>Voor wie</h3><p>Voor <em>iedereen</em>.</p>" in html
    assert "<script>x</script>" not in html
    text_group = make_group(description_nl="Eerste regel\n\nTweede regel: 5 < 6 & meer")
    page = client.get(f"/nl/groepen/{text_group.slug_nl}/")
    html = page.content.decode()
    assert "<p>Eerste regel</p>" in html
    assert "<p>Tweede regel: 5 &lt; 6 &amp; meer</p>" in html


# --- admin home -------------------------------------------------------------------------------


def attention_items(response):
    """{label: (count, url)} from the admin home's panel."""
    html = response.content.decode()
    panel = html[html.index("ht-attention") : html.index("</section>", html.index("ht-attention"))]
    items = {}
    for li in re.findall(r"<li[^>]*>(.*?)</li>", panel, re.S):
        url = re.search(r'href="([^"]+)"', li)
        count = int(re.search(r'<span class="ht-count">(\d+)</span>', li).group(1))
        label = re.sub(r"<[^>]+>|\s+", " ", li).strip()
        label = re.sub(r"^\d+\s+", "", label)
        items[label] = (count, url.group(1).replace("&amp;", "&") if url else None)
    return items


def test_admin_home_shows_what_needs_attention(admin_client, reference):
    from articles.models import Article
    from directory.models import CorrectionReport

    make_group(last_verified=days_ago(settings.GROUP_STALE_AFTER_DAYS + 2))
    make_group(last_verified=days_ago(settings.GROUP_STALE_AFTER_DAYS + 3))
    make_group(last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 2))
    make_group(name_en="", description_nl="a", description_fr="b")
    complete = make_group(description_nl="a", description_fr="b", description_en="c")
    make_group(published=False, review="pending")
    CorrectionReport.objects.create(group=complete, message="Wrong phone", language="nl")
    CorrectionReport.objects.create(
        group=complete, message="Fixed", language="fr", status=CorrectionReport.Status.RESOLVED
    )
    Article.objects.create(
        title_nl="Later",
        slug_nl="later",
        body_nl="<p>x</p>",
        author_name="Team",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )
    Article.objects.create(
        title_nl="Nu",
        slug_nl="nu",
        body_nl="<p>x</p>",
        title_fr="Maintenant",
        slug_fr="maintenant",
        body_fr="<p>x</p>",
        author_name="Team",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    items = attention_items(response)
    stale = f"listings to verify (not verified for {settings.GROUP_STALE_AFTER_DAYS} days)"
    hidden = (
        "published listing hidden for staleness "
        f"(not verified for {settings.GROUP_HIDDEN_AFTER_DAYS} days)"
    )
    assert items[stale] == (2, "/admin/directory/group/?freshness=stale")
    assert items[hidden] == (1, "/admin/directory/group/?freshness=hidden")
    # Groups lack a description unless one is given: all but `complete` in English, and all
    # but `complete` and the one without an English name in Dutch.
    assert items["groups without a name, summary or description in English"][0] == 5
    assert items["groups without a name, summary or description in Dutch"] == (
        4,
        "/admin/directory/group/?missing_nl=1",
    )
    assert items["proposed group waiting for review"] == (
        1,
        "/admin/directory/proposal/?review=pending",
    )
    assert items["open correction report"] == (
        1,
        "/admin/directory/correctionreport/?status=open",
    )
    assert items["article scheduled for later"] == (
        1,
        "/admin/articles/article/?status__exact=scheduled&visible=no",
    )
    assert items["article not translated into French"] == (
        1,
        "/admin/articles/article/?missing=fr",
    )
    assert items["articles not translated into English"][0] == 2
    assert items["articles not translated into Dutch"][0] == 0
    # Each link leads to a list with exactly that many rows.
    assert admin_client.get(items[stale][1]).context["cl"].result_count == 2
    assert admin_client.get(items[hidden][1]).context["cl"].result_count == 1
    english = items["groups without a name, summary or description in English"][1]
    assert admin_client.get(english).context["cl"].result_count == 5


def test_admin_home_panel_is_left_out_for_staff_without_those_permissions(client, reference):
    from django.contrib.auth.models import User

    user = User.objects.create_user("nobody", password="x" * 16, is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    if response.status_code == 200:  # the two-factor layer may send this user elsewhere
        assert "ht-attention" not in response.content.decode()


def test_editors_verify_and_revert_but_do_not_edit_geography(editor_client, reference):
    group = make_group(name_fr="Ancien nom", last_verified=days_ago(300))
    first = group.history.latest()
    response = editor_client.post(
        CHANGELIST,
        {"action": "mark_verified_today", "_selected_action": [group.pk]},
        follow=True,
    )
    assert "1 group marked as verified today." in response.content.decode()
    group.refresh_from_db()
    assert group.last_verified == timezone.localdate()
    Group.objects.filter(pk=group.pk).update(name_fr="Nouveau nom")
    url = f"/admin/directory/group/{group.pk}/history/{first.history_id}/"
    page = editor_client.get(url)
    assert page.status_code == 200
    response = editor_client.post(url, form_data(page.context["adminform"].form))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name_fr == "Ancien nom"
    assert group.history.latest().history_user.username == "editor"
    assert editor_client.get("/admin/directory/municipality/add/").status_code == 403
    assert "ht-attention" in editor_client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/directory/organisation/{pk}/history/", lambda: make_organisation(name="Vzw A")),
        ("/admin/directory/audience/{pk}/history/", lambda: Audience.objects.get(slug="parents")),
    ],
)
def test_organisations_and_terms_keep_their_history_too(admin_client, reference, url, make):
    obj = make()
    obj.name = "Renamed"
    obj.save()
    assert obj.history.count() >= 1
    response = admin_client.get(url.format(pk=obj.pk), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "Renamed" in response.content.decode()
