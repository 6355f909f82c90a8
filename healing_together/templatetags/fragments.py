"""`{% fragment "name" [vary …] %}…{% endfragment %}`: a part of every page rendered once.

For the parts of the site's frame that depend on nothing but the code, the settings, the
language and a few values named after the fragment's name (the footer; the main navigation,
which varies only by the view that marks its link as current). Rendering them afresh cost
about a fifth of a list page. They are kept in this process only: what they show changes with
a deploy, not with content, so there is nothing to invalidate. Never put content from the
database, a form's CSRF token or a CSP nonce inside one.
"""

import threading

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_urlconf
from django.utils import translation

register = template.Library()

_rendered = {}
_lock = threading.Lock()
MAX_FRAGMENTS = 500  # a bound in case a vary value were ever unbounded


@receiver(setting_changed)
def _forget(**kwargs):
    """Tests that change settings (urls, site details) get freshly rendered fragments."""
    with _lock:
        _rendered.clear()


class FragmentNode(template.Node):
    def __init__(self, name, vary, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        key = (
            self.name,
            translation.get_language(),
            get_urlconf(),
            *(str(value.resolve(context)) for value in self.vary),
        )
        html = _rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            with _lock:
                if len(_rendered) >= MAX_FRAGMENTS:
                    _rendered.clear()
                _rendered[key] = html
        return html


@register.tag("fragment")
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name, then values.")
    vary = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], vary, nodelist)
