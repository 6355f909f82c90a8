"""Undo a delete (issue 14 item 3): healing_together.undelete and its admin pages.

Deleted in the admin → listed under "Recently deleted" → restored with its own number, every
language's text, its codes and a history entry that says it was restored → gone from the list.
Only people who may add (or change) and delete a type see and restore it; a slug or a related
object that is no longer free or no longer there is named, and nothing is written.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from articles.models import Article, Reference
from directory.models import Group, Helpline, Network, Organisation, Platform, Region, Topic
from healing_together import undelete
from healing_together.history import restored_from
from tests.factories import make_article, make_group, make_network, make_organisation

pytestmark = pytest.mark.django_db

LIST = "/admin/recently-deleted/"


def delete_in_admin(client, obj):
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/delete/"
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def restore_url(obj):
    opts = obj._meta
    record = undelete.deleted_record(type(obj), _last_record(obj).history_id)
    assert record is not None
    return f"{LIST}{opts.app_label}/{opts.model_name}/{record.history_id}/"


def _last_record(obj):
    return undelete.history_model_of(type(obj)).objects.filter(id=obj.pk).latest()


def list_page(client, language="nl", **query):
    """The list page's main part, after the messages (which name what was deleted)."""
    response = client.get(LIST, query, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode().split('id="content-main"', 1)[1]


def make_platform(**fields):
    platform = Platform.objects.create(
        slug=fields.pop("slug", "trefpunt"),
        name="Trefpunt Zelfhulp",
        summary_nl="Zelfhulpgroepen in Vlaanderen",
        summary_fr="Groupes d'entraide en Flandre",
        summary_en="Self-help groups in Flanders",
        website="https://example.org/",
        source_url="https://example.org/source",
        **fields,
    )
    platform.regions.set(Region.objects.filter(slug="brussels"))
    return platform


def test_a_deleted_group_comes_back_whole(editor_client, editor_user, reference):
    group = make_group(
        name_nl="Rouwgroep Elsene",
        name_fr="Groupe de deuil Ixelles",
        audiences=["caregivers"],
        topics=["grief"],
        languages=["nl", "fr"],
    )
    pk, slugs = group.pk, (group.slug_nl, group.slug_fr, group.slug_en)
    codes = {
        "audiences": set(group.audiences.values_list("pk", flat=True)),
        "topics": set(group.topics.values_list("pk", flat=True)),
        "languages": set(group.languages.values_list("pk", flat=True)),
    }
    last = group.history.latest()
    delete_in_admin(editor_client, group)

    html = list_page(editor_client, "nl")
    assert "Rouwgroep Elsene" in html
    deleted = undelete.deleted_records(editor_user)[0]
    with translation.override("nl"):
        when = formats.date_format(timezone.localtime(deleted.history_date), "DATETIME_FORMAT")
    assert f"<td>{when}</td>" in html  # local time
    assert "<td>editor</td>" in html  # who deleted it
    assert "Groupe de deuil Ixelles" in list_page(editor_client, "fr")
    url = restore_url(group)
    assert url in html

    confirm = editor_client.get(url, headers={"accept-language": "nl"})
    assert confirm.status_code == 200
    assert "Ja, herstellen" in confirm.content.decode()
    response = editor_client.post(url, headers={"accept-language": "nl"})
    assert response.status_code == 302
    page = editor_client.get(response["Location"], headers={"accept-language": "nl"})
    text = page.content.decode()
    assert f'href="/admin/directory/group/{pk}/change/"' in text
    assert "“Rouwgroep Elsene” (groep) is terug." in text
    assert "Niets verwijderd om te herstellen." in text

    restored = Group.objects.get(pk=pk)
    assert (restored.name_nl, restored.name_fr) == ("Rouwgroep Elsene", "Groupe de deuil Ixelles")
    assert (restored.slug_nl, restored.slug_fr, restored.slug_en) == slugs
    for name, pks in codes.items():
        assert set(getattr(restored, name).values_list("pk", flat=True)) == pks
    entry = restored.history.latest()
    assert entry.history_type == "+"
    assert entry.history_user == editor_user
    assert restored_from(entry.history_change_reason) == (last.history_id, "")
    assert undelete.deleted_records(editor_user) == []
    history = editor_client.get(
        f"/admin/directory/group/{pk}/history/", headers={"accept-language": "nl"}
    )
    assert "Hersteld van de versie van" in history.content.decode()


def test_the_public_page_works_again(editor_client, client, reference):
    group = make_group(name_nl="Lotgenoten Brussel")
    address = f"/nl/groepen/{group.slug_nl}/"
    assert client.get(address).status_code == 200
    delete_in_admin(editor_client, group)
    assert client.get(address).status_code == 404
    editor_client.post(restore_url(group))
    response = client.get(address)
    assert response.status_code == 200
    assert "Lotgenoten Brussel" in response.content.decode()


def test_all_five_types_are_listed_most_recent_first(editor_client, editor_user, reference):
    objects = [
        make_organisation(name="Vereniging Zonder Naam"),
        make_platform(),
        make_network(name="Netwerk Brussel"),
        make_article(title_nl="Omgaan met rouw"),
        make_group(name_nl="Praatgroep Laatste"),
    ]
    for obj in objects:
        delete_in_admin(editor_client, obj)
    records = undelete.deleted_records(editor_user)
    assert [r.instance_type for r in records] == [Group, Article, Network, Platform, Organisation]
    html = list_page(editor_client, "nl")
    names = ["Praatgroep Laatste", "Omgaan met rouw", "Netwerk Brussel", "Trefpunt Zelfhulp"]
    positions = [html.index(name) for name in [*names, "Vereniging Zonder Naam"]]
    assert positions == sorted(positions)
    for kind in ["Groep", "Artikel", "107-netwerk", "Platform", "Organisatie"]:
        assert f"<td>{kind}</td>" in html
    only_networks = list_page(editor_client, "nl", type="directory.network")
    assert "Netwerk Brussel" in only_networks
    assert "Praatgroep Laatste" not in only_networks


def test_an_unknown_type_is_not_found(editor_client, reference):
    assert editor_client.get(LIST, {"type": "auth.user"}).status_code == 404
    assert editor_client.get(f"{LIST}auth/user/1/").status_code == 404


def test_networks_platforms_and_articles_come_back_with_their_codes(editor_client, reference):
    network = make_network(slug="netwerk-brussel", municipality_codes=("21004", "21009"))
    platform = make_platform()
    article = make_article(topics=["grief"], audiences=["caregivers"], references=2)
    expected = {
        network: ("municipalities", set(network.municipalities.values_list("pk", flat=True))),
        platform: ("regions", set(platform.regions.values_list("pk", flat=True))),
        article: ("topics", set(article.topics.values_list("pk", flat=True))),
    }
    created_at = article.created_at
    for obj in expected:
        delete_in_admin(editor_client, obj)
    assert not Reference.objects.filter(article_id=article.pk).exists()
    confirm = editor_client.get(restore_url(article), headers={"accept-language": "nl"})
    assert "2 referenties die mee verwijderd zijn, komen ook terug." in confirm.content.decode()
    for obj, (name, pks) in expected.items():
        assert editor_client.post(restore_url(obj)).status_code == 302
        restored = type(obj).objects.get(pk=obj.pk)
        assert pks
        assert set(getattr(restored, name).values_list("pk", flat=True)) == pks
    restored = Article.objects.get(pk=article.pk)
    assert (restored.title_nl, restored.title_fr) == (article.title_nl, article.title_fr)
    assert restored.created_at == created_at
    assert Reference.objects.filter(article=restored).count() == 2
    assert Platform.objects.get(pk=platform.pk).summary_fr == "Groupes d'entraide en Flandre"


def test_a_reference_deleted_on_its_own_stays_deleted(editor_client, reference):
    article = make_article(references=2)
    first = article.references.first()
    first_pk = first.pk
    first.delete()
    # Removed a while before the article: its records are older than the cascade's window.
    records = undelete.history_model_of(Reference).objects.filter(id=first_pk)
    records.update(history_date=timezone.now() - datetime.timedelta(hours=1))
    delete_in_admin(editor_client, article)
    editor_client.post(restore_url(article))
    assert Reference.objects.filter(article_id=article.pk).count() == 1
    assert not Reference.objects.filter(pk=first_pk).exists()


def test_a_slug_taken_since_is_named_and_nothing_is_written(editor_client, reference):
    network = make_network(slug="netwerk-brussel", name="Netwerk Brussel")
    delete_in_admin(editor_client, network)
    url = restore_url(network)
    make_network(slug="netwerk-brussel", name="Nieuw netwerk")
    confirm = editor_client.get(url, headers={"accept-language": "nl"}).content.decode()
    assert "netwerk-brussel" in confirm
    assert "Ja, herstellen" not in confirm
    response = editor_client.post(url, headers={"accept-language": "nl"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "“netwerk-brussel” (naam in het webadres) wordt nu gebruikt door “Nieuw netwerk”" in text
    assert not Network.objects.filter(pk=network.pk).exists()
    assert undelete.deleted_record(Network, _last_record(network).history_id)


def test_a_group_slug_taken_since_is_named(editor_client, reference):
    group = make_group(name_nl="Praatgroep Gent")
    slug = group.slug_nl
    delete_in_admin(editor_client, group)
    other = make_group(name_nl="Andere groep")
    Group.objects.filter(pk=other.pk).update(slug_nl=slug)
    response = editor_client.post(restore_url(group), headers={"accept-language": "fr"})
    assert response.status_code == 409
    text = response.content.decode()
    assert f"« {slug} » (nom dans l’adresse web [nl]) est maintenant utilisé" in text
    assert not Group.objects.filter(pk=group.pk).exists()


def test_a_deleted_organisation_is_named_and_nothing_is_written(editor_client, reference):
    organisation = make_organisation(name="Vzw De Brug")
    group = make_group(organisation=organisation, topics=["grief"])
    delete_in_admin(editor_client, group)
    delete_in_admin(editor_client, organisation)
    url = restore_url(group)
    response = editor_client.post(url, headers={"accept-language": "nl"})
    assert response.status_code == 409
    assert "Vzw De Brug" in response.content.decode()
    assert not Group.objects.filter(pk=group.pk).exists()
    # Restoring the organisation first, then the group, works.
    assert editor_client.post(restore_url(organisation)).status_code == 302
    assert editor_client.post(url).status_code == 302
    assert Group.objects.get(pk=group.pk).organisation == Organisation.objects.get()


def test_a_number_taken_since_is_named(editor_client, reference):
    organisation = make_organisation(name="Oud")
    delete_in_admin(editor_client, organisation)
    url = restore_url(organisation)
    Organisation.objects.bulk_create([Organisation(pk=organisation.pk, name="Nieuw")])
    response = editor_client.post(url, headers={"accept-language": "nl"})
    assert response.status_code == 409
    assert Organisation.objects.get(pk=organisation.pk).name == "Nieuw"


def test_restored_items_leave_the_list_and_a_second_post_says_so(editor_client, reference):
    organisation = make_organisation(name="Eenmalig")
    delete_in_admin(editor_client, organisation)
    url = restore_url(organisation)
    assert editor_client.post(url).status_code == 302
    assert "Eenmalig" not in list_page(editor_client)
    again = editor_client.post(url, headers={"accept-language": "nl"}, follow=True)
    assert "niet meer in de lijst" in again.content.decode()
    assert Organisation.objects.count() == 1


def test_people_without_the_rights_get_403(editor_client, otp_login, reference):
    group = make_group()
    delete_in_admin(editor_client, group)
    url = restore_url(group)
    viewer = User.objects.create_user("viewer", password="x" * 20, is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_group", "view_historicalgroup"])
    )
    client = Client()
    otp_login(client, viewer)
    assert client.get(LIST).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Group.objects.filter(pk=group.pk).exists()
    assert "Onlangs verwijderd" not in client.get("/admin/").content.decode()


def test_each_type_needs_its_own_rights(editor_client, otp_login, reference):
    group = make_group(name_nl="Groep A")
    organisation = make_organisation(name="Organisatie B")
    delete_in_admin(editor_client, group)
    delete_in_admin(editor_client, organisation)
    person = User.objects.create_user("orgs", password="x" * 20, is_staff=True)
    person.user_permissions.set(
        Permission.objects.filter(codename__in=["change_organisation", "delete_organisation"])
    )
    client = Client()
    otp_login(client, person)
    html = list_page(client)
    assert "Organisatie B" in html
    assert "Groep A" not in html
    assert client.post(restore_url(group)).status_code == 403
    assert "Onlangs verwijderd" in client.get("/admin/").content.decode()


def test_the_list_reads_a_few_queries_whatever_its_length(editor_client, reference):
    organisation = make_organisation()
    counts = []
    for more in (3, 12):
        for _n in range(more):
            delete_in_admin(editor_client, make_group(organisation=organisation, topics=["grief"]))
        with CaptureQueriesContext(connection) as queries:
            html = list_page(editor_client)
        counts.append(len(queries))
    assert html.count("<tr>") == 16  # the header and 15 groups
    assert counts[0] == counts[1] < 20


def test_what_would_have_been_emptied_stays_empty(editor_client, reference):
    """A code deleted since is left out, an optional parent deleted since is left empty (as
    they would have been had the object stayed); the rest comes back."""
    parent = make_organisation(name="Koepel")
    child = make_organisation(name="Afdeling", parent=parent)
    group = make_group(organisation=child, topics=["grief", "anxiety"])
    assert group.topics.count() == 2
    delete_in_admin(editor_client, group)
    delete_in_admin(editor_client, child)
    delete_in_admin(editor_client, parent)
    Topic.objects.filter(slug="anxiety").delete()
    assert editor_client.post(restore_url(child)).status_code == 302
    assert editor_client.post(restore_url(group)).status_code == 302
    assert Organisation.objects.get(pk=child.pk).parent is None
    restored = Group.objects.get(pk=group.pk)
    assert list(restored.topics.values_list("slug", flat=True)) == ["grief"]


def test_the_delete_page_says_where_to_undo_it(editor_client, reference):
    group = make_group()
    page = editor_client.get(
        f"/admin/directory/group/{group.pk}/delete/", headers={"accept-language": "nl"}
    ).content.decode()
    assert f'U kunt dit achteraf ongedaan maken onder <a href="{LIST}">Onlangs verwijderd</a>.' in (
        page
    )
    helpline = Helpline.objects.first()
    page = editor_client.get(f"/admin/directory/helpline/{helpline.pk}/delete/").content.decode()
    assert LIST not in page  # helplines are not restored there
