"""The site's production settings plus one benchmark-only page (see bench/urls.py).

Used only by bench/load.py through DJANGO_SETTINGS_MODULE=bench.settings.
"""

from healing_together.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
