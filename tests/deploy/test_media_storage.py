"""Media storage: local disk by default; S3-compatible object storage when an operator names a
bucket, with the CSP's img-src allowing exactly the origin the images are served from.

Settings are read once at start-up, so each case loads them in a fresh Python process with its
own environment. Nothing here talks to S3: URLs of S3 objects are computed offline.
"""

import json
import sys

import pytest

from tests import servers

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
csp = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "url": default_storage.url("articles/cover 1.jpg"),
    "img_src": [str(source) for source in csp["img-src"]],
    "other": {k: [str(s) for s in v] for k, v in csp.items() if k != "img-src"},
}))
"""


def load(tmp_path, **variables):
    env = servers.production_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="healing_together.settings",
        # Offline: boto3 signs nothing (plain URLs) but wants credentials to build a client.
        AWS_ACCESS_KEY_ID="test-key-id",
        AWS_SECRET_ACCESS_KEY="test-secret",  # noqa: S106 (not a real secret)
        **variables,
    )
    result = servers.run(sys.executable, "-c", PROBE, env=env, timeout=60)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_is_on_local_disk_by_default_and_the_csp_adds_nothing(tmp_path):
    media = load(tmp_path)
    assert media["backend"] == "django.core.files.storage.FileSystemStorage"
    assert media["url"] == "/media/articles/cover%201.jpg"
    assert media["img_src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("variables", "url", "origin"),
    [
        (
            {"MEDIA_S3_CUSTOM_DOMAIN": "media.healing-together.be"},
            "https://media.healing-together.be/articles/cover%201.jpg",
            "https://media.healing-together.be",
        ),
        (
            {
                "MEDIA_S3_CUSTOM_DOMAIN": "cdn.example.org/ht/",
                "MEDIA_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
                "MEDIA_S3_PREFIX": "media",
            },
            "https://cdn.example.org/ht/media/articles/cover%201.jpg",
            "https://cdn.example.org",
        ),
        (
            {"MEDIA_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud/", "MEDIA_S3_REGION": "fr-par"},
            "https://s3.fr-par.scw.cloud/ht-media/articles/cover%201.jpg",
            "https://s3.fr-par.scw.cloud",
        ),
        (
            {"MEDIA_S3_REGION": "eu-west-1"},
            "https://ht-media.s3.eu-west-1.amazonaws.com/articles/cover%201.jpg",
            "https://ht-media.s3.eu-west-1.amazonaws.com",
        ),
        (
            {},
            "https://ht-media.s3.amazonaws.com/articles/cover%201.jpg",
            "https://ht-media.s3.amazonaws.com",
        ),
    ],
)
def test_a_bucket_moves_media_to_s3_and_the_csp_allows_only_its_origin(
    tmp_path, variables, url, origin
):
    media = load(tmp_path, MEDIA_S3_BUCKET="ht-media", **variables)
    assert media["backend"] == "storages.backends.s3.S3Storage"
    assert media["class"] == "storages.backends.s3.S3Storage"
    # Plain, unsigned URLs (pages are cached; signatures would expire).
    assert media["url"] == url
    assert media["url"].startswith(origin + "/")
    assert media["img_src"] == ["'self'", "data:", origin]
    # Nothing else is opened up.
    assert all(origin not in sources for sources in media["other"].values())
