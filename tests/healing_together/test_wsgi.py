"""The WSGI entry point that gunicorn loads in each worker."""

import os
import subprocess
import sys

from tests.servers import REPO_ROOT


def test_the_loaded_application_is_kept_out_of_full_garbage_collections():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "healing_together.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import gc, healing_together.wsgi; print(gc.get_freeze_count())"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert int(result.stdout.split()[-1]) > 10_000  # Django and the site, frozen once loaded
