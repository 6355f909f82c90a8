"""Template tags of the admin's own pages."""

from django import template

from healing_together import dashboard
from healing_together.admin import new_tab_link as _new_tab_link

register = template.Library()


@register.simple_tag(takes_context=True)
def needs_attention(context):
    """The admin home's "Needs attention" sections for the signed-in editor (dashboard.py)."""
    request = context.get("request")
    return dashboard.needs_attention(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def may_undelete(context):
    """Whether the signed-in editor may restore anything deleted (healing_together.undelete)."""
    from healing_together import undelete

    user = getattr(context.get("request"), "user", None)
    return bool(user is not None and user.is_active and undelete.models_for(user))


@register.filter
def field_value(record, name):
    """A field of `record` as the admin's lists show it: a choice's label, a yes/no icon, a
    date in the editor's format ("—" for none), not the stored code or True/False."""
    from django.contrib.admin.utils import display_for_field
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return getattr(record, name, "")
    return display_for_field(getattr(record, name), field, "—")


@register.simple_tag
def new_tab_link(url, text):
    """A link that opens in a new tab and says so (healing_together.admin.new_tab_link)."""
    return _new_tab_link(url, text)
