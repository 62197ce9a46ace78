"""Settings for the test suite: fast hashing, mail kept in memory, tasks tested explicitly."""

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"public": "1000/minute", "auth": "1000/minute"},
}

if not REDIS_URL:
    # Keep the suite's queue apart from a `make run` worker's.
    vars().update(filesystem_broker(VAR_DIR / "test-broker"))
# Tests of two-factor turn it on themselves.
STAFF_TWO_FACTOR_REQUIRED = False
AXES_VERBOSE = False
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "axes": {"level": "WARNING"}}}
# The benchmark harness (bench/) is tested too; production never installs it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Tests run the sweep themselves (the same code as the task) instead of queueing a task.
NOTIFICATIONS_SWEEP_ON_COMMIT = False
# Likewise the waitlist's offers: its tests run the task, or turn this on to see it queued.
BOOKING_WAITLIST_OFFERS_ON_COMMIT = False
# Tests read a booking's confirmation straight after booking; the grace period's own tests
# (tests/booking/test_notice_grace.py) set it back to its default.
BOOKING_NOTICE_GRACE_SECONDS = 0
# Uploaded media of the suite stay apart from `make run`'s (tests of uploads use a temporary
# folder of their own).
MEDIA_ROOT = str(VAR_DIR / "test-media")
