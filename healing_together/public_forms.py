"""What every public form (newsletter, group proposals, corrections) shares: a honeypot field
and a per-IP rate limit counted in the shared cache, so it holds across app servers."""

import ipaddress
import logging

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

HONEYPOT_FIELD = "website"
logger = logging.getLogger(__name__)


class HoneypotMixin:
    """Adds a field people never see or fill; robots that fill every field are refused.

    The field is hidden with CSS (class `hp`, off-screen) rather than `type=hidden`, because
    robots skip hidden inputs. It is out of the tab order and says what to do, in case a screen
    reader reaches it.
    """

    honeypot_message = _("This form could not be sent. Please try again.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(self.honeypot_message, code="honeypot")
        return cleaned

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]


def client_ip(request):
    """The visitor's address. Behind the TLS proxy (DJANGO_BEHIND_TLS_PROXY), the right-most
    X-Forwarded-For entry: the one our proxy appended. Entries further left come from the
    client and could be forged to dodge a rate limit or the lockout."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


# An IPv6 client usually holds a whole /64 network (one home, one phone) and can pick any of
# its 2^64 addresses for each request, so a limit per exact address would not limit it.
IPV6_BLOCK_PREFIX = 64


def client_address_block(request):
    """What the limits count per: the visitor's IPv4 address, or the /64 network of their IPv6
    address, written as its first address ("2001:db8:1:2::", which django-axes can store in
    its address column). An IPv4 address is counted alone, since a whole office or school may
    share the next ones. Anything that is not an address is returned as it is."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.5, an IPv4 client
            return str(parsed.ipv4_mapped)
        network = ipaddress.ip_network(f"{parsed}/{IPV6_BLOCK_PREFIX}", strict=False)
        return str(network.network_address)
    return str(parsed)


def over_rate_limit(request, group, rate):
    """Count this request against `rate` (e.g. "5/h") for the visitor's address block
    (`client_address_block`).

    True when the visitor is over the limit. Only the count is kept, in the cache, under a
    hashed key: the address itself is never stored.
    """
    return over_limit(group, rate, client_address_block(request))


def over_limit(group, rate, value):
    """Count one more event for `value` (an IP address, a keyed hash of an email address…)
    against `rate` in `group`; True when it is over. The one counter of every public limit.

    The cache unavailable (Redis down, or skipped by the circuit breaker): False, and a
    warning in the log. django-ratelimit would refuse everyone instead (it fails closed unless
    RATELIMIT_FAIL_OPEN, which the settings turn on), so a cache outage would become a site
    where no form can be sent. We let visitors through: the honeypot and the CSRF check still
    apply, and the limits hold again as soon as the cache is back.
    """
    try:
        usage = get_usage(
            None,  # the request is only read by key functions and method filters: none here
            group=group,
            key=lambda _group, _request: value,
            rate=rate,
            method=get_usage.ALL,
            increment=True,
        )
    except Exception:  # a cache backend that raises instead of ignoring its errors
        logger.warning("Rate limit %s not counted: the cache is unavailable.", group, exc_info=True)
        return False
    if usage is None:  # RATELIMIT_FAIL_OPEN: the count could not be read or stored
        if getattr(settings, "RATELIMIT_ENABLE", True):
            logger.warning("Rate limit %s not counted: the cache is unavailable.", group)
        return False
    return usage["should_limit"]
