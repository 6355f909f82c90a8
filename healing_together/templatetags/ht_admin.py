"""Template tags of the admin's own pages."""

from django import template

from healing_together import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def needs_attention(context):
    """The admin home's "Needs attention" sections for the signed-in editor (dashboard.py)."""
    request = context.get("request")
    return dashboard.needs_attention(getattr(request, "user", None))
