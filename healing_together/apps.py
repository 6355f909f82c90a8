from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class HealingTogetherConfig(AppConfig):
    name = "healing_together"
    label = "healing_together"
    verbose_name = "Healing Together"
    default = True

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import cache, checks  # noqa: F401 (checks registers itself)
        from .admin_site import start_staff_session
        from .roles import sync_roles_after_migrate

        cache.connect_signals()
        user_logged_in.connect(start_staff_session, dispatch_uid="healing_together.staff_session")
        # Keep the staff groups' permissions in step with the models after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="healing_together.roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site asks staff for a second factor (admin_site.py)."""

    default = False
    default_site = "healing_together.admin_site.StaffAdminSite"
