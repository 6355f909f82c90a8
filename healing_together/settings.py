"""Healing Together settings: one module, driven by environment variables.

Every variable is listed, with its default, in the README's configuration table. With
DJANGO_DEBUG off (the default) the site runs with production settings and refuses to start
when a value production needs is missing.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is off (see the README's configuration table)."
        )
    return value


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-never-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or required("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    # django.contrib.admin, whose default site requires two-factor sign-in (admin_site.py).
    "healing_together.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "simple_history",
    # The admin's rich-text editor (its scripts and styles are static files of this app).
    "django_prose_editor",
    # Staff security: two-factor authentication (TOTP) on the admin.
    "django_otp",
    "healing_together.apps.TOTPConfig",  # django_otp.plugins.otp_totp, named in the admin
    # Staff security: lockout after repeated failed sign-ins.
    "healing_together.apps.AxesConfig",  # axes, named in the admin
    "healing_together",
    "directory",
    "articles",
    "newsletter",
]

# Order after cookiecutter-django: security first, static files before sessions, locale
# after sessions and before common.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "healing_together.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # Health checks are answered before anything reads the Host header (load balancers call
    # them by IP address) and never touch sessions or the language prefix.
    "healing_together.middleware.HealthCheckMiddleware",
    # Database down: a friendly 503 page, still under the security and CSP headers above.
    "healing_together.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole pages for anonymous visitors: inside the security headers and CSP (applied to cached
    # pages too), outside everything that reads the session, CSRF token, user or messages.
    "healing_together.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware with the site's rule for browsers in other languages.
    "healing_together.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session was signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the admin's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "healing_together.urls"
WSGI_APPLICATION = "healing_together.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "healing_together.context_processors.site",
            ],
        },
    },
]

# --- Database and cache -----------------------------------------------------------------------

if DEBUG:
    _default_db = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
    DATABASE_URL = env("DATABASE_URL", _default_db)
else:
    DATABASE_URL = required("DATABASE_URL")

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every wait for the database is bounded, so a slow, frozen or unreachable server becomes
    # the 503 page within seconds instead of holding gunicorn threads (docs/deploy.md).
    # Django's backend plus a bound on each wait for the server's answer (see its docstring).
    DATABASES["default"]["ENGINE"] = "healing_together.db_backend"
    _statement_timeout = env_int("DATABASE_STATEMENT_TIMEOUT", 5)  # seconds; 0: none
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # JIT compilation costs more than it saves on this site's small, indexed queries. The
        # server cancels any statement still running after DATABASE_STATEMENT_TIMEOUT (pages
        # take milliseconds; a migration that builds a big index may need it set to 0).
        options=f"-c jit=off -c statement_timeout={_statement_timeout * 1000}",
        # Opening a connection: libpq gives up after this many seconds (2 at least).
        connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT", 3),
        # A server that stops answering (frozen, or its host gone): psycopg gives up waiting
        # for an answer after this many seconds, a little after the server's own
        # statement_timeout would have cancelled a merely slow query.
        wait_timeout=env_int(
            "DATABASE_WAIT_TIMEOUT", _statement_timeout + 1 if _statement_timeout else 0
        ),
        # A connection kept between requests (CONN_MAX_AGE) to a host that vanished without a
        # word (network cut, VM gone): TCP probes it after 10 s idle, every 3 s, 3 times, and
        # data left unacknowledged for DATABASE_TCP_USER_TIMEOUT_MS fails the connection.
        keepalives=1,
        keepalives_idle=env_int("DATABASE_KEEPALIVES_IDLE", 10),
        keepalives_interval=env_int("DATABASE_KEEPALIVES_INTERVAL", 3),
        keepalives_count=env_int("DATABASE_KEEPALIVES_COUNT", 3),
        tcp_user_timeout=env_int("DATABASE_TCP_USER_TIMEOUT_MS", 6000),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis with a circuit breaker (see the module's docstring).
            "BACKEND": "healing_together.cache_backend.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "ht"),
            # Redis down or frozen: reads miss and writes are dropped instead of failing pages.
            # A call waits at most REDIS_TIMEOUT_MS (Redis answers a healthy call in well under
            # a millisecond); after a failure the cache is skipped for REDIS_BREAKER_SECONDS,
            # with one warning in the log. /readyz reports the cache failing meanwhile.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_TIMEOUT_MS", 100) / 1000,
                "SOCKET_TIMEOUT": env_int("REDIS_TIMEOUT_MS", 100) / 1000,
                "IGNORE_EXCEPTIONS": True,
                "CIRCUIT_BREAKER_SECONDS": env_int("REDIS_BREAKER_SECONDS", 30),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public forms' rate limits (healing_together.public_forms.over_rate_limit) let a visitor
# through when the cache cannot count, instead of refusing everyone while Redis is down.
RATELIMIT_FAIL_OPEN = True
# Public pages are cached this many seconds for anonymous visitors (0: off). Off by default
# without Redis: each process's local-memory cache would miss the other processes' changes.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)

# --- Internationalisation ---------------------------------------------------------------------

# The one place that lists the site's languages. Adding one (German, Romanian…) is this list,
# its gettext catalog under locale/, and `makemigrations` for the translated model fields.
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
]
LANGUAGE_CODE = "nl"
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = ()
# locale/: the site's own texts (makemessages keeps it). locale_overrides/: our translations of
# the packages' texts an editor sees (Django's admin, simple-history, prose-editor, axes,
# django-otp), where theirs are missing or read badly; written by hand (see its README).
# Both come before the packages' own catalogs, locale/ first, also in the admin's JavaScript
# catalog (jsi18n).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60  # hashed names: safe to cache for a year

# Media (uploaded images) on S3-compatible object storage when an operator names a bucket, on
# local disk (DJANGO_MEDIA_ROOT) otherwise. Credentials are not settings: boto3 reads the
# standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an instance role). Images are public and
# appear in cached pages, so their URLs are plain (unsigned) and the bucket must allow reading.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", "")
MEDIA_ORIGIN = ""  # the origin browsers load media from, when it is not this site
if MEDIA_S3_BUCKET:
    from urllib.parse import urlsplit

    _s3_endpoint = env("MEDIA_S3_ENDPOINT_URL", "").rstrip("/")
    _s3_region = env("MEDIA_S3_REGION", "")
    _s3_domain = env("MEDIA_S3_CUSTOM_DOMAIN", "").strip("/")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _s3_endpoint or None,
            "region_name": _s3_region or None,
            # Path-style URLs on another provider's endpoint, virtual-hosted ones on AWS.
            "addressing_style": "path" if _s3_endpoint else "virtual",
            "custom_domain": _s3_domain or None,
            "location": env("MEDIA_S3_PREFIX", "").strip("/"),
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    if _s3_domain:
        MEDIA_ORIGIN = "https://" + _s3_domain.split("/", 1)[0]
    elif _s3_endpoint:
        MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(_s3_endpoint))
    elif _s3_region:
        MEDIA_ORIGIN = f"https://{MEDIA_S3_BUCKET}.s3.{_s3_region}.amazonaws.com"
    else:
        MEDIA_ORIGIN = f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"
# django-modeltranslation's tabbed admin loads jQuery UI from a CDN by default, which the CSP
# blocks: serve the vendored copy (tabs only) from this site instead.
JQUERY_UI_URL = "admin-ext/vendor/jquery-ui-tabs-1.14.1.js"

# --- Email ------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", "Healing Together <hello@healing-together.be>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    # Development: every email is written to a file a person can open (see the README).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail")))

# --- Security ---------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_secure_cookies = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if _secure_cookies:
    # __Host- cookies are bound to this exact host, over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
CSRF_FAILURE_VIEW = "healing_together.views.csrf_failure"

# Nothing is loaded from another host: every directive allows only this site, and scripts only
# as files from it (no inline script, no eval). MAP_TILE_URL, when an operator sets it, is the
# one exception and is added to img-src.
MAP_TILE_URL = env("MAP_TILE_URL", "")
_img_src = [SELF, "data:"]
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL)
    _img_src.append(f"{_tiles.scheme}://{_tiles.netloc}")
if MEDIA_ORIGIN:  # media on S3: the custom domain (or the bucket's host) serves the images
    _img_src.append(MEDIA_ORIGIN)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": _img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# Cross-origin isolation (with the opener policy above): a page may embed only what its own
# origin serves, or what another origin explicitly allows, so no other site's resource ends up
# in this site's process. Every page, the admin and local media are same-origin. Map tiles and
# media on S3 are not, and their hosts send no Cross-Origin-Resource-Policy: then
# `credentialless` still loads them, without cookies (browsers that do not know the value
# ignore the header, which also loads them).
CROSS_ORIGIN_EMBEDDER_POLICY = "credentialless" if MAP_TILE_URL or MEDIA_ORIGIN else "require-corp"
# No Subresource Integrity (integrity=…): the public pages load one stylesheet and no script
# file, the admin only Django's own files, all from this origin: a hash would guard only against
# tampering on the host that also serves the HTML (and could change the hash as easily). With a
# CDN in front of /static/ that rewrites CSS (minifying, say), every page would lose its styles.
# MDN Observatory scores SRI on <script src> only, so it would not raise the score either.

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (healing_together/admin_site.py): password plus the code of an authenticator
# app (TOTP). Five failed sign-ins (a wrong password or a wrong code) for one username from one
# address block (an IPv4 address, an IPv6 /64: public_forms.client_address_block) lock that pair
# out for an hour; each further try restarts the hour. The count is kept in the database, so it
# holds across app servers and restarts. Other addresses are not locked out, so a stranger
# cannot lock an editor out of their own account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Where a sign-in goes when its next= address is refused (another host): the admin's home, not
# Django's /accounts/profile/ (a 404 here).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "healing_together.admin_site.lockout_response"
AXES_CLIENT_IP_CALLABLE = "healing_together.admin_site.client_ip_address"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
OTP_TOTP_ISSUER = "Healing Together"
# Staff sessions are shorter than SESSION_COOKIE_AGE suggests: the cookie ends with the browser,
# and the admin signs staff out after 2 hours without activity (an unattended computer) and at
# the latest after a working day, even when active (a stolen session does not last).
STAFF_SESSION_IDLE_SECONDS = 2 * 60 * 60
STAFF_SESSION_MAX_SECONDS = 8 * 60 * 60
# Onboarding without a server (healing_together/onboarding.py): an invitation or lost-phone link
# works this many days, and until the authenticator app it sets up is confirmed; the first
# code may be tried this often per account and per address block.
STAFF_ENROLMENT_LINK_DAYS = env_int("STAFF_ENROLMENT_LINK_DAYS", 7)
STAFF_ENROLMENT_CODE_RATE = "10/h"

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # A bad Host header is answered with 400; it is noise, not an error to page about. A
        # NullHandler, since a logger with no handler at all falls back to logging.lastResort,
        # which prints the message (and a traceback) on stderr anyway.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}

# --- Healing Together -------------------------------------------------------------------------

SITE_NAME = "Healing Together"
SITE_URL = env("SITE_URL", "" if not DEBUG else "http://127.0.0.1:8000").rstrip("/")
CONTACT_EMAIL = env("CONTACT_EMAIL", "hello@healing-together.be")
EDITORS_EMAIL = env("EDITORS_EMAIL", "editors@healing-together.be")
PRIVACY_CONTROLLER = env("PRIVACY_CONTROLLER", "Healing Together")
PRIVACY_CONTROLLER_ADDRESS = env("PRIVACY_CONTROLLER_ADDRESS", "Brussels, Belgium")

# A group not verified for this many days is flagged to editors; after the second period it
# leaves the public site until an editor verifies it again.
GROUP_STALE_AFTER_DAYS = env_int("GROUP_STALE_AFTER_DAYS", 183)
GROUP_HIDDEN_AFTER_DAYS = env_int("GROUP_HIDDEN_AFTER_DAYS", 365)
GROUPS_PER_PAGE = 20

# Newsletter: how long a confirmation link works, when unconfirmed sign-ups are deleted
# (`manage.py purge_unconfirmed`; the privacy page promises 7 days), sign-ups per IP address,
# and sign-up emails one address can receive per hour. The consent wording and its version
# live together in newsletter/consent.py.
NEWSLETTER = {
    "CONFIRM_MAX_AGE": 48 * 60 * 60,
    "UNCONFIRMED_DAYS": 7,
    "SIGNUP_RATE": "5/h",
    "MAILS_PER_ADDRESS_PER_HOUR": 3,
}
