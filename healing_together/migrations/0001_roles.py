"""Create the "Editor" and "Subscriber data" groups with their permissions (see roles.py).

Django creates permissions after all migrations have run (post_migrate), so on a fresh database
they do not exist yet here: create them first, for every app the migration state knows. Models
and apps migrated later (newsletter, proposals…) are added to the groups by the post_migrate
receiver in apps.py, which calls the same sync_roles().
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from healing_together.roles import sync_roles


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        # The migration state's app configs have no models module; create_permissions skips
        # such apps unless told otherwise.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None
    sync_roles(apps=apps, using=using)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("directory", "0003_history"),
    ]

    # Reversing keeps the groups: people may belong to them, and post_migrate recreates them.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
