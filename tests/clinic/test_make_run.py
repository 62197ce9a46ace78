"""`make run PORT=…` hands the Celery worker a SITE_URL on that port, so e-mailed links work."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def honcho_line(*args: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    environment.update(env)
    dry_run = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line for line in dry_run.splitlines() if "honcho" in line)


def test_site_url_follows_the_port():
    line = honcho_line("PORT=8811")
    assert line.startswith("SITE_URL='http://127.0.0.1:8811' ")
    assert line.endswith("start -p 8811")


def test_the_default_port_and_an_explicit_site_url():
    assert honcho_line().startswith("SITE_URL='http://127.0.0.1:8000' ")
    assert honcho_line(SITE_URL="https://gw.example").startswith("SITE_URL='https://gw.example' ")
