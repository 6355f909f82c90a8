"""Staff roles: the "Editor" and "Subscriber data" groups, with the least privileges they need.

The groups are defined here, in code, by rules on app labels and models rather than by a list
of permissions, so that models other engineers add later are covered without touching this
file. `sync_roles()` applies the rules: it is run by the data migration
`healing_together/migrations/0001_roles.py` and after every `migrate` (post_migrate signal,
see `apps.py`), so the groups always hold exactly the permissions these rules give. A
permission added to one of these groups by hand in the admin is taken away again at the next
`migrate`; give a person an extra permission on their user instead.

- **Editor**: everything on the content of the `articles`, `directory` and `proposals` apps
  (add, change, delete, view and any custom permission such as publishing); only *view* on the
  reference geography (regions, provinces, municipalities, postcodes: loaded from Statbel, not
  edited by hand) and on the recorded history (history is evidence: it is restored through the
  content itself, never edited). Nothing else: no users, groups, login records, two-factor
  devices, sessions, and no subscriber data.
- **Subscriber data**: every permission of the `newsletter` app (subscribers and their proof of
  consent), and nothing else. Give it only to the people who must handle subscriber data.
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

EDITOR = "Editor"
SUBSCRIBER_DATA = "Subscriber data"
# The groups keep these names in the database; people read them in their language.
ROLE_LABELS = {EDITOR: _("Editor"), SUBSCRIBER_DATA: _("Subscriber data")}


def role_label(group):
    """A group's name as a person reads it: the role in their language, else the name."""
    return ROLE_LABELS.get(group.name, group.name)


# Apps whose models are content that editors write and keep accurate.
EDITOR_CONTENT_APPS = frozenset({"articles", "directory", "proposals"})
# Reference data editors may read but never change: (app label, model name).
REFERENCE_MODELS = frozenset(
    {
        ("directory", "region"),
        ("directory", "province"),
        ("directory", "municipality"),
        ("directory", "postalcode"),
    }
)
SUBSCRIBER_APPS = frozenset({"newsletter"})


def is_history_model(model):
    """A model of records django-simple-history keeps (HistoricalGroup, HistoricalArticle…)."""
    from simple_history.models import HistoricalChanges

    return issubclass(model, HistoricalChanges)


@dataclass(frozen=True)
class Role:
    name: str
    full_apps: frozenset = field(default_factory=frozenset)
    view_only_models: frozenset = field(default_factory=frozenset)
    history_view_only: bool = False

    def grants(self, app_label, model, codename):
        """Whether this role holds the permission `codename` on `model` of `app_label`."""
        if app_label not in self.full_apps:
            return False
        read_only = (app_label, model._meta.model_name) in self.view_only_models or (
            self.history_view_only and is_history_model(model)
        )
        if read_only:
            return codename.startswith("view_")
        return True


ROLES = (
    Role(
        EDITOR,
        full_apps=EDITOR_CONTENT_APPS,
        view_only_models=REFERENCE_MODELS,
        history_view_only=True,
    ),
    Role(SUBSCRIBER_DATA, full_apps=SUBSCRIBER_APPS),
)


def role_permissions(role, apps=global_apps, using=DEFAULT_DB_ALIAS):
    """The Permission rows `role` should hold (a list)."""
    Permission = apps.get_model("auth", "Permission")
    wanted = []
    candidates = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=role.full_apps)
        .select_related("content_type")
    )
    for permission in candidates:
        content_type = permission.content_type
        try:
            model = apps.get_model(content_type.app_label, content_type.model)
        except LookupError:  # a stale content type: its model was deleted
            continue
        if role.grants(content_type.app_label, model, permission.codename):
            wanted.append(permission)
    return wanted


def sync_roles(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the role groups if needed and give each exactly the permissions of its rules.

    Idempotent. `apps` is the app registry to use: the global one, or a migration's
    historical registry. Returns {group name: number of permissions}.
    """
    Group = apps.get_model("auth", "Group")
    summary = {}
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.name)
        permissions = role_permissions(role, apps=apps, using=using)
        group.permissions.set(permissions)
        summary[role.name] = len(permissions)
    return summary


def sync_roles_after_migrate(
    sender, app_config=None, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs
):
    """post_migrate receiver: sync the roles once, after the last app's permissions exist.

    post_migrate is sent once per installed app, in INSTALLED_APPS order, and
    django.contrib.auth creates each app's permissions in its own receiver (connected
    earlier, so it runs first). Syncing on the last app's signal sees every permission.
    """
    last = [config for config in global_apps.get_app_configs() if config.models_module][-1]
    if sender.label != last.label:
        return
    try:
        apps.get_model("auth", "Group")
        apps.get_model("auth", "Permission")
        apps.get_model("contenttypes", "ContentType")
    except LookupError:  # auth is not migrated (e.g. `migrate auth zero`)
        return
    sync_roles(apps=apps, using=using)
