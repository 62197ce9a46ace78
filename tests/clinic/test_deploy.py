"""The production shape is safe as shipped: a placeholder SECRET_KEY fails the deploy checks, and
docker-compose.yml has no default key, migrates once before the app starts, loads the demo only
when asked, pins its images and checks the health of every service."""

import http.server
import os
import random
import re
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.utils import timezone

from clinic.checks import KNOWN_PUBLIC_KEYS, placeholder_reason
from clinic.health import HEARTBEAT_KEY

ROOT = Path(__file__).resolve().parents[2]
OLD_COMPOSE_KEY = "change-me-to-a-long-random-string-before-going-live-0123456789"
GOOD_KEY = "VFmDcl8aiTBni-XgWaBzOLUjuAJ-f_L2W1R1qwA18nOt8QJJA33FLKZ1e1Vl5q8j"


def check_deploy(secret_key: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(
        SECRET_KEY=secret_key, ALLOWED_HOSTS="clinic.example.org", SECURE_SSL_REDIRECT="true"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        + ["--settings", "clinic.settings.production"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- SECRET_KEY ------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_settings_and_a_random_key():
    result = check_deploy(GOOD_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_the_key_compose_used_to_ship():
    result = check_deploy(OLD_COMPOSE_KEY)
    assert result.returncode != 0
    assert "clinic.E001" in result.stderr
    assert OLD_COMPOSE_KEY not in result.stdout + result.stderr  # the message never echoes it


@pytest.mark.parametrize(
    "key",
    [
        *sorted(KNOWN_PUBLIC_KEYS),
        "django-insecure-q8#v2l!x0$w@k3m^p9r&t7z*y5n1b4c6d8f0g2h4j6k8l0m2n4p6",
        "CHANGE_ME_before_production_Xk29Qz71Lp03Mn58Rt46Vb92Wc17Hy35",
        "please-replace-me-with-a-real-secret-QwErTy-7f3k9x2m5p8z1c4v6b",
        "your-secret-key-goes-here-and-it-must-be-long-enough-for-django",
        "placeholder-placeholder-placeholder-placeholder-placeholder",
        "build-only",
    ],
)
def test_obvious_placeholders_are_refused(key):
    assert placeholder_reason(key) is not None


def test_generated_keys_are_not_taken_for_placeholders():
    from django.core.management.utils import get_random_secret_key

    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"
    generator = random.Random(20261207)
    keys = ["".join(generator.choice(alphabet) for _ in range(50)) for _ in range(2000)]
    assert [key for key in keys if placeholder_reason(key)] == []
    assert placeholder_reason(get_random_secret_key()) is None
    assert placeholder_reason(GOOD_KEY) is None


def test_the_placeholder_check_is_a_deploy_check_only(settings):
    # The image build runs collectstatic with a throw-away key; only `check --deploy` refuses it.
    settings.SECRET_KEY = OLD_COMPOSE_KEY
    assert "clinic.E001" not in {message.id for message in run_checks()}
    deploy = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "clinic.E001" in deploy


# --- docker-compose.yml ----------------------------------------------------------------------

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
LONG_RUNNING = [name for name in SERVICES if name != "migrate"]


def test_compose_runs_the_documented_services():
    expected = {"postgres", "redis", "mailpit", "migrate", "web", "worker", "beat", "backup"}
    assert set(SERVICES) == expected


def test_compose_has_no_default_secret_key_and_refuses_to_start_without_one():
    for name in ("migrate", *APP_SERVICES):
        value = SERVICES[name]["environment"]["SECRET_KEY"]
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", value), (name, value)
    assert "SECRET_KEY:-" not in COMPOSE_TEXT
    assert OLD_COMPOSE_KEY not in COMPOSE_TEXT


def test_migrations_run_once_in_their_own_service_before_web_worker_and_beat():
    assert SERVICES["migrate"]["command"] == ["sh", "deploy/release.sh"]
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
        assert "migrate" not in str(SERVICES[name]["command"]), name
    assert SERVICES["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_demo_clinic_is_loaded_only_when_asked():
    assert SERVICES["migrate"]["environment"]["SEED_DEMO"] == "${SEED_DEMO:-false}"
    for name, service in SERVICES.items():
        assert "seed_demo" not in str(service.get("command", "")), name


def test_gunicorn_is_exec_ed_so_it_gets_the_stop_signal():
    command = SERVICES["web"]["command"]
    assert isinstance(command, list) and command[0] == "gunicorn"
    cmd = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    )
    assert cmd.startswith('CMD ["gunicorn"')
    for name in ("worker", "beat"):
        assert SERVICES[name]["command"][:2] == ["celery", "-A"], name


def test_every_service_has_a_restart_policy_and_every_long_running_one_a_health_check():
    for name in LONG_RUNNING:
        assert SERVICES[name]["restart"] == "unless-stopped", name
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
    assert SERVICES["migrate"]["restart"] == "no"  # a one-shot that must stop `up` on failure
    assert SERVICES["migrate"]["healthcheck"] == {"disable": True}


def test_each_health_check_asks_the_right_question():
    def check(name):
        return " ".join(SERVICES[name]["healthcheck"]["test"][1:])

    assert "pg_isready" in check("postgres")
    assert check("redis") == "redis-cli ping"
    assert check("mailpit") == "/mailpit readyz"
    assert check("web") == "python deploy/healthcheck.py"
    assert "inspect ping --destination celery@$$HOSTNAME" in check("worker")
    assert "check_heartbeat" in check("beat")
    assert check("backup").endswith("groundwork-backup check")


def test_images_are_pinned_to_explicit_versions():
    images = {name: service["image"] for name, service in SERVICES.items() if "image" in service}
    assert set(images) == {"postgres", "redis", "mailpit", "backup"}
    for name, image in images.items():
        assert re.fullmatch(r"[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.]+)?", image), (name, image)
    # pg_dump must be the server's version: the backup runs in the server's own image.
    assert images["backup"] == images["postgres"]


def test_a_backup_service_keeps_nightly_dumps_in_a_volume():
    backup = SERVICES["backup"]
    assert backup["command"] == ["loop"]
    assert backup["environment"]["BACKUP_KEEP_DAYS"] == "${BACKUP_KEEP_DAYS:-14}"
    assert "backups:/backups" in backup["volumes"]
    assert "./deploy/backup.sh:/usr/local/bin/groundwork-backup:ro" in backup["volumes"]
    assert "backups" in COMPOSE["volumes"]


def test_the_env_file_with_the_key_is_kept_out_of_the_image():
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


# --- deploy/release.sh (the migrate service) ---------------------------------------------------


@pytest.fixture
def fake_python(tmp_path):
    """A `python` that logs its arguments, and fails `check` when FAIL_CHECK is set."""
    log = tmp_path / "calls.log"
    script = tmp_path / "bin" / "python"
    script.parent.mkdir()
    script.write_text(
        '#!/bin/sh\necho "$*" >> "$CALLS_LOG"\n'
        'if [ "$2" = check ] && [ -n "${FAIL_CHECK:-}" ]; then exit 1; fi\n'
    )
    script.chmod(0o755)

    def run(**env):
        environment = {"PATH": f"{script.parent}:{os.environ['PATH']}", "CALLS_LOG": str(log)}
        log.write_text("")
        result = subprocess.run(
            ["sh", "deploy/release.sh"], cwd=ROOT, env={**environment, **env}, timeout=30
        )
        return result.returncode, log.read_text().splitlines()

    return run


def test_release_checks_the_deployment_then_migrates_without_the_demo(fake_python):
    status, calls = fake_python()
    assert status == 0
    assert calls == ["manage.py check --deploy --fail-level ERROR", "manage.py migrate --noinput"]


def test_release_loads_the_demo_with_seed_demo_true(fake_python):
    status, calls = fake_python(SEED_DEMO="true")
    assert status == 0
    assert calls[-1] == "manage.py seed_demo"


def test_release_stops_before_migrating_when_the_deploy_checks_fail(fake_python):
    status, calls = fake_python(FAIL_CHECK="1", SEED_DEMO="true")
    assert status != 0
    assert calls == ["manage.py check --deploy --fail-level ERROR"]


# --- health checks ---------------------------------------------------------------------------


def run_web_healthcheck(port: int, allowed_hosts: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "deploy/healthcheck.py"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "PORT": str(port), "ALLOWED_HOSTS": allowed_hosts},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_web_health_check_passes_against_the_app(live_server, settings):
    settings.ALLOWED_HOSTS = ["clinic.test"]
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), None)  # the scheduler is alive
    port = int(live_server.url.rsplit(":", 1)[1])
    result = run_web_healthcheck(port, ".clinic.test,other.test")
    assert result.returncode == 0, result.stderr


@pytest.fixture
def fake_web():
    """A server on a free port that records each request's headers and answers `status`."""
    seen: list[dict] = []
    answer = {"status": 200}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append({"path": self.path, **dict(self.headers)})
            self.send_response(answer["status"])
            if answer["status"] == 301:
                self.send_header("Location", f"https://{self.headers['Host']}{self.path}")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], answer, seen
    server.shutdown()
    server.server_close()


def test_the_web_health_check_asks_as_the_tls_proxy_would(fake_web):
    # Production redirects plain HTTP to HTTPS and refuses unknown hosts: the probe names an
    # allowed host and says it came over HTTPS, as the proxy in front of gunicorn does.
    port, answer, seen = fake_web
    assert run_web_healthcheck(port, "*,.clinic.test").returncode == 0
    assert seen[-1]["path"] == "/healthz/"
    assert seen[-1]["Host"] == "clinic.test"
    assert seen[-1]["X-Forwarded-Proto"] == "https"
    for status in (500, 301):
        answer["status"] = status
        assert run_web_healthcheck(port, "clinic.test").returncode == 1, status
    assert len(seen) == 3  # the redirect was not followed


def test_the_web_health_check_fails_when_nothing_answers():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_web_healthcheck(port, "localhost")
    assert result.returncode == 1
    assert "/healthz/ failed" in result.stderr


def test_the_scheduler_check_passes_with_a_fresh_heartbeat():
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(seconds=30)).isoformat())
    call_command("check_heartbeat", "--max-age", "180")


def test_the_scheduler_check_fails_with_a_stale_or_missing_heartbeat():
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=10)).isoformat())
    with pytest.raises(CommandError, match=r"\d+ s old"):
        call_command("check_heartbeat", "--max-age", "180")
    cache.delete(HEARTBEAT_KEY)
    with pytest.raises(CommandError, match="No heartbeat"):
        call_command("check_heartbeat")
