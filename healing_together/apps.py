from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps


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
        translate_admin_boolean_icons()
        user_logged_in.connect(start_staff_session, dispatch_uid="healing_together.staff_session")
        # Keep the staff groups' permissions in step with the models after every migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="healing_together.roles")


def translate_admin_boolean_icons():
    """The admin's yes/no icons say "Yes"/"No" in the editor's language, not "True"/"False".

    Django writes the Python value as their text alternative, in English, for screen readers
    (django.contrib.admin.templatetags.admin_list._boolean_icon, which the admin's lists, forms
    and read-only fields look up each time they draw one).
    """
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    def boolean_icon(field_val):
        icon, text = {
            True: ("yes", gettext("Yes")),
            False: ("no", gettext("No")),
            None: ("unknown", gettext("Unknown")),
        }[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)

    admin_list._boolean_icon = boolean_icon


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site asks staff for a second factor (admin_site.py)."""

    default = False
    default_site = "healing_together.admin_site.StaffAdminSite"


# The admin's section titles for two packages, in the editor's language: without these the
# sidebar says "Axes" and "Otp_Totp".
class AxesConfig(axes_apps.AppConfig):
    verbose_name = _("Sign-in security")


class TOTPConfig(totp_apps.DefaultConfig):
    verbose_name = _("Authenticator apps")
