"""Benchmark settings (`make bench`): the production settings, plus what a loopback run needs.

Only for a benchmark on one machine: a throw-away secret key and loopback hosts when none are
given, the bare reference view of bench.urls, static files collected apart (var/bench/static),
and messages kept in memory so the sweep measures the application rather than a mail server.
Everything else, including HTTPS-only cookies and the cached template loader, is production's:
the load generator sends X-Forwarded-Proto: https as the TLS proxy in front of gunicorn would.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "0123456789abcdef" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from clinic.settings.production import *  # noqa: E402, F403
from clinic.settings.production import INSTALLED_APPS, LOGGING, REST_FRAMEWORK, VAR_DIR  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# The benchmark's collectstatic writes here, not to var/static: WhiteNoise reads its static
# root whenever a handler starts, so 3,000 collected files there slowed every test client of
# `make test` in the same checkout by about a tenth of a second.
STATIC_ROOT = VAR_DIR / "bench" / "static"
ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "clinic.notifications.transports.LocmemSmsBackend"
CELERY_IMPORTS = ["bench.tasks"]
# The benchmark drives the sweep itself; no task is queued after each commit.
NOTIFICATIONS_SWEEP_ON_COMMIT = False
# The per-address limits of the public API still run, with rates a load generator stays under.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"public": "1000000/minute", "auth": "1000000/minute"},
}
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
