"""Staff roles: the "Editor" group has least privileges; subscriber data is a separate group."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from healing_together import roles
from tests.factories import make_article, make_group

pytestmark = pytest.mark.django_db


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migrations_create_both_groups():
    assert Group.objects.filter(name__in=[roles.EDITOR, roles.SUBSCRIBER_DATA]).count() == 2


def test_editor_has_every_permission_on_content():
    perms = codenames(roles.EDITOR)
    for model in ("article", "reference"):
        for action in ("add", "change", "delete", "view"):
            assert f"articles.{action}_{model}" in perms
    for model in ("group", "organisation", "network", "platform", "helpline", "audience", "topic"):
        for action in ("add", "change", "delete", "view"):
            assert f"directory.{action}_{model}" in perms


def test_editor_only_views_reference_geography_and_history():
    perms = codenames(roles.EDITOR)
    for model in ("region", "province", "municipality", "postalcode"):
        assert f"directory.view_{model}" in perms
        for action in ("add", "change", "delete"):
            assert f"directory.{action}_{model}" not in perms
    for app_label, model in (("directory", "historicalgroup"), ("articles", "historicalarticle")):
        assert f"{app_label}.view_{model}" in perms
        for action in ("add", "change", "delete"):
            assert f"{app_label}.{action}_{model}" not in perms


def test_editor_has_nothing_outside_content():
    allowed_apps = {"articles", "directory", "proposals"}
    perms = codenames(roles.EDITOR)
    assert perms, "the Editor group has no permissions at all"
    assert {perm.split(".")[0] for perm in perms} <= allowed_apps
    for forbidden in (
        "auth.view_user",
        "auth.change_user",
        "auth.view_group",
        "auth.change_group",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "otp_totp.view_totpdevice",
        "sessions.view_session",
        "admin.view_logentry",
    ):
        assert forbidden not in perms


def test_editor_user_can_change_articles_and_groups_but_not_users(editor_user):
    user = User.objects.get(pk=editor_user.pk)  # fresh: no cached permissions
    assert user.has_perm("articles.change_article")
    assert user.has_perm("directory.change_group")
    assert user.has_perm("directory.view_region")
    assert not user.has_perm("directory.change_region")
    assert not user.has_perm("auth.view_user")
    assert not user.has_perm("auth.change_group")


def test_editor_in_the_admin_edits_a_group_and_an_article_but_never_sees_users(
    editor_client, reference
):
    group = make_group()
    article = make_article()
    assert editor_client.get(f"/admin/directory/group/{group.pk}/change/").status_code == 200
    assert editor_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index


def test_subscriber_data_is_a_separate_permission():
    editor = codenames(roles.EDITOR)
    assert not any(perm.startswith("newsletter.") for perm in editor)
    subscriber = codenames(roles.SUBSCRIBER_DATA)
    every_newsletter_perm = {
        f"newsletter.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="newsletter").values_list(
            "codename", flat=True
        )
    }
    assert every_newsletter_perm
    assert subscriber == every_newsletter_perm


def test_editor_cannot_view_newsletter_models(editor_user):
    user = User.objects.get(pk=editor_user.pk)
    newsletter_models = apps.get_app_config("newsletter").get_models()
    assert list(newsletter_models)
    for model in apps.get_app_config("newsletter").get_models():
        assert not user.has_perm(f"newsletter.view_{model._meta.model_name}")


def test_sync_roles_is_idempotent():
    before = {name: codenames(name) for name in (roles.EDITOR, roles.SUBSCRIBER_DATA)}
    groups_before = Group.objects.count()
    roles.sync_roles()
    roles.sync_roles()
    assert Group.objects.count() == groups_before
    assert {name: codenames(name) for name in before} == before


def test_sync_roles_takes_back_a_permission_given_by_hand():
    editor = Group.objects.get(name=roles.EDITOR)
    editor.permissions.add(Permission.objects.get(codename="view_user"))
    roles.sync_roles()
    assert "auth.view_user" not in codenames(roles.EDITOR)


def test_sync_roles_recreates_a_deleted_group():
    Group.objects.filter(name=roles.EDITOR).delete()
    roles.sync_roles()
    assert "directory.change_group" in codenames(roles.EDITOR)


def test_migrate_gives_editors_the_permissions_of_a_model_added_later():
    """As when a new content model is migrated: its permissions appear after the migrations,
    and the post_migrate receiver adds them to the Editor group."""
    organisation = ContentType.objects.get(app_label="directory", model="organisation")
    Permission.objects.filter(content_type=organisation).delete()
    assert "directory.change_organisation" not in codenames(roles.EDITOR)

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    perms = codenames(roles.EDITOR)
    for action in ("add", "change", "delete", "view"):
        assert f"directory.{action}_organisation" in perms


def test_stale_content_types_are_ignored():
    stale = ContentType.objects.create(app_label="directory", model="removedmodel")
    Permission.objects.create(content_type=stale, codename="change_removedmodel", name="x")
    roles.sync_roles()
    assert "directory.change_removedmodel" not in codenames(roles.EDITOR)


def test_the_data_migration_works_on_the_migration_state():
    """The migration's function creates permissions and groups from historical models."""
    migration = MigrationLoader(connection).get_migration("healing_together", "0001_roles")
    state = MigrationLoader(connection).project_state(("healing_together", "0001_roles"))
    Group.objects.filter(name__in=[roles.EDITOR, roles.SUBSCRIBER_DATA]).delete()
    Permission.objects.filter(content_type__app_label="articles").delete()

    class SchemaEditor:  # the function only reads the connection's alias
        pass

    SchemaEditor.connection = connection
    migration.operations[0].code(state.apps, SchemaEditor())

    perms = codenames(roles.EDITOR)
    assert "articles.change_article" in perms
    assert "articles.view_historicalarticle" in perms
    assert "articles.change_historicalarticle" not in perms
    assert "auth.view_user" not in perms
    assert Group.objects.filter(name=roles.SUBSCRIBER_DATA).exists()
