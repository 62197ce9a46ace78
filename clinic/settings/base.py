"""Settings shared by every environment. Everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # made by `make install`; the SQLite file and mail live here

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "clinic.apps.ClinicAdminConfig",  # Django's admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "clinic",
    "clinic.booking",
    "clinic.notifications",
    "assessments",
    "programs",
    "clinic.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.two_factor_views.StaffTwoFactorMiddleware",
    "clinic.middleware.StaffSessionLimitsMiddleware",
    "clinic.middleware.PersonTimeZoneMiddleware",
    "clinic.middleware.PersonLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
    "clinic.middleware.NoStoreForSignedInMiddleware",
    "clinic.audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clinic.site.urls"
WSGI_APPLICATION = "clinic.site.wsgi.application"
ASGI_APPLICATION = "clinic.site.asgi.application"

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
                "clinic.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'groundwork.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; waiting for the lock beats failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinic.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading the staff membership and patient record with the user.
    "clinic.auth_backend.ClinicModelBackend",
]
# Brute-force protection: after 5 failed sign-ins for one account, from any addresses, that
# account is refused for 15 minutes, even with the right password; the answer is the same
# whether or not the account exists. Failures are counted per account (and per account and
# address), never per address alone: behind a shared address (a clinic's router, a proxy)
# one person's typos must not lock everyone else out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
# The sign-in forms and the token API send the e-mail as "username" (clinic.lockout).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "clinic.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "clinic.client_ip.client_ip"
# A successful sign-in clears the failures that the lockout parameters match for that account
# (every filter above names the username), so it never clears another account's count.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "clinic.views.locked_out"
# How many reverse proxies, each appending to X-Forwarded-For, stand between the clients and
# this app (clinic.client_ip). 0: the app is reached directly and the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Patients and public visitors read English or Spanish (clinic.languages); staff pages are
# translatable but stay English for now. The catalogues are in locale/ (`make messages`).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "gw_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries are installed from the npm registry (package-lock.json) and served
# straight from node_modules; nothing third-party is copied into the repository.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
# Uploaded files (drill pictures and videos) go through Django's storage API: by default the
# file system under var/media; MEDIA_STORAGE names any other backend (e.g. django-storages'
# S3 storage) and MEDIA_STORAGE_OPTIONS (JSON) its options (README, Drill media).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default=None) or {},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Drill media (programs.media): the largest upload of each kind and the longest edge an image
# keeps. Pages link media to the app's own view (/media/..., access-checked and same-origin, so
# the patient's phone keeps them offline); with DRILL_MEDIA_VIA_APP off they link to the
# storage's own URL (e.g. a signed S3 link) instead.
DRILL_MEDIA_MAX_IMAGE_BYTES = env.int("DRILL_MEDIA_MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
DRILL_MEDIA_MAX_VIDEO_BYTES = env.int("DRILL_MEDIA_MAX_VIDEO_BYTES", default=20 * 1024 * 1024)
DRILL_MEDIA_MAX_EDGE = env.int("DRILL_MEDIA_MAX_EDGE", default=1200)
# Watch files (runs) a patient uploads: the largest file read, and files per request.
RUN_FILE_MAX_BYTES = env.int("RUN_FILE_MAX_BYTES", default=15 * 1024 * 1024)
RUN_UPLOAD_MAX_FILES = env.int("RUN_UPLOAD_MAX_FILES", default=20)
DRILL_MEDIA_VIA_APP = env.bool("DRILL_MEDIA_VIA_APP", default=True)

# E-mail: EMAIL_URL=smtp://host:port, consolemail://, filemail:///path ...
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Groundwork <no-reply@groundwork.local>")

# Celery. Without REDIS_URL the broker is kombu's filesystem transport: no server needed.
REDIS_URL = env("REDIS_URL", default="")


def filesystem_broker(folder: Path) -> dict:
    """Celery settings for kombu's filesystem transport, with results kept as files (the
    folders are made by the Celery app, `clinic.site.celery`, not here)."""
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
        "CELERY_RESULT_BACKEND": f"file://{folder / 'results'}",
    }


if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    vars().update(filesystem_broker(VAR_DIR / "broker"))
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "clinic.tasks.heartbeat", "schedule": 60.0},
    # One sweep a minute sends due notifications; a late copy is useless once the next fires.
    "notifications-dispatch-due": {
        "task": "clinic.notifications.tasks.dispatch_due",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Online bookings made with a known patient's e-mail hold their time until confirmed;
    # the ones that ran out release it within a minute (booking releases them too).
    "booking-release-expired-requests": {
        "task": "clinic.booking.tasks.release_expired_requests",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Waitlist entries whose window has passed leave the list; offers that ran out are undone.
    "booking-tidy-waitlist": {
        "task": "clinic.booking.tasks.tidy_waitlist",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Each night the progression engine looks at every running program, so review flags
    # (no progress, low adherence) appear even for patients who stopped logging.
    "programs-evaluate-all": {
        "task": "programs.tasks.evaluate_programs",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 3 * 3600},
    },
    # Daily plans; both are idempotent, so a missed or doubled run changes nothing.
    "programs-reminders-roll": {
        "task": "programs.tasks.program_reminders_roll",
        "schedule": crontab(hour=2, minute=10),
    },
    "programs-rescreen-due": {
        "task": "programs.tasks.rescreen_due_check",
        "schedule": crontab(hour=2, minute=40),
    },
    # Questionnaires (LEFS, FAAM, VISA-A) every 4 weeks during a program; idempotent too.
    "programs-questionnaires-due": {
        "task": "programs.tasks.questionnaires_due_check",
        "schedule": crontab(hour=2, minute=50),
    },
    # Home self-tests every two weeks during a program; one open request, so idempotent.
    "programs-self-tests-due": {
        "task": "programs.tasks.self_tests_due_check",
        "schedule": crontab(hour=2, minute=55),
    },
}


# The shared cache holds counters only (rate limits, the scheduler's heartbeat), never patient
# data or sign-in state: every request reads those from the database.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="groundwork"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.api_defaults.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "clinic.api_defaults.ClinicPagination",
    "DEFAULT_PARSER_CLASSES": [
        "clinic.api_defaults.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "clinic.api.exception_handler",
    # Any view that names a throttle_scope is throttled per client address (clinic.client_ip).
    "DEFAULT_THROTTLE_CLASSES": ["clinic.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"public": "30/minute", "auth": "20/minute"},
    # Only for DRF's own throttle classes, should one be used: the same proxies as ours trust.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Groundwork API",
    "DESCRIPTION": "Screens, home programs and booking for clinics that treat runners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets reused by many fields get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PassFailEnum": "assessments.schema.PASS_FAIL",
        "FootStrikeEnum": "assessments.schema.FOOT_STRIKES",
        "InjurySideEnum": "assessments.schema.INJURY_SIDES",
        "HopPainSiteEnum": "assessments.schema.HOP_PAIN_SITES",
        "ProgramSideEnum": "programs.models.Side",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# Sessions live in the database everywhere, so a sign-out or a deactivation is seen at once by
# every process, and the tests run the same path as production.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # patients stay signed in on their phone for 30 days
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=15)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)
# API tokens (POST /api/v1/auth/token/) live this long from sign-in; each sign-in replaces the
# user's token, and signing out of the browser or being deactivated ends it.
STAFF_TOKEN_MAX_AGE_HOURS = env.int("STAFF_TOKEN_MAX_AGE_HOURS", default=STAFF_SESSION_MAX_HOURS)
PATIENT_TOKEN_MAX_AGE_HOURS = env.int("PATIENT_TOKEN_MAX_AGE_HOURS", default=24 * 30)
LOGIN_URL_PATH = "/login/"
# Staff need an authenticator app (TOTP) on every page. On by default; the development
# settings of `make run` turn it off so the demo logins work with a password alone.
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Groundwork"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# A strict Content Security Policy: scripts and styles only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Audit trail (clinic/audit): pghistory's triggers are installed by `migrate` itself on
# PostgreSQL (and skipped on SQLite), so no other app carries trigger migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Django logs the path of 4xx/5xx responses and runserver every request line; a manage,
    # unsubscribe, magic or reset link's path is a credential, so its token is taken out.
    "filters": {"link_tokens": {"()": "clinic.link_tokens.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["link_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own loggers lose the handlers of its defaults (without the filter) and
        # write through the root's.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # pgtrigger announces every trigger at each migrate, even on SQLite where it
        # installs none; twilio logs every request's headers at INFO; WeasyPrint logs each
        # step of every PDF (and of its own stylesheet at import) at INFO.
        "pgtrigger": {"level": "WARNING"},
        "twilio": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}

# How long an online booking made with a known patient's e-mail holds its time while it waits
# for the address on record (or staff) to confirm it; never past the appointment's start.
BOOKING_REQUEST_HOURS = env.int("BOOKING_REQUEST_HOURS", default=24)

# A booking's confirmation (or change notice) waits this long, so a patient or the front desk
# who corrects the booking at once sends one e-mail, not one per edit (clinic/booking/notices.py).
BOOKING_NOTICE_GRACE_SECONDS = env.int("BOOKING_NOTICE_GRACE_SECONDS", default=120)

# A cancelled or moved appointment queues a task after commit that offers its old time to
# the waitlist (clinic/booking/waitlist.py).
BOOKING_WAITLIST_OFFERS_ON_COMMIT = True

# Patients' password-free sign-in links stay valid this long (and work once).
MAGIC_LINK_MAX_AGE_MINUTES = env.int("MAGIC_LINK_MAX_AGE_MINUTES", default=60 * 24)

# Where links in e-mails point (no request at hand in Celery tasks).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# A message due now asks a worker for a sweep right after commit (the beat sweeps each minute).
NOTIFICATIONS_SWEEP_ON_COMMIT = True
# A sweep holds the messages it claimed this long past its last heartbeat (one every third of
# it). Short, so the messages of a killed worker go out with the next sweeps, not much later.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=60)

# Phone numbers typed without +country code are read as this country's, unless the clinic
# names its own country (clinic settings).
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", default="US").upper()

# Text messages go through Twilio once its account is given. Without a provider nothing is
# offered: patients choose e-mail only and no text is ever recorded as sent. The console and
# file back ends (clinic.notifications.transports) are for development only.
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
# Either a sender number (E.164) or a messaging service, which picks the sender itself.
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
# A sweep must not hang on a slow provider: one request waits at most this long.
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10)
# Dotted path of a twilio.http.HttpClient class to talk through instead of Twilio's own
# (a proxy, or the tests' fake); blank: twilio's TwilioHttpClient.
TWILIO_HTTP_CLIENT = env("TWILIO_HTTP_CLIENT", default="")
SMS_BACKEND = env(
    "SMS_BACKEND",
    default="clinic.notifications.transports.TwilioSmsBackend" if TWILIO_ACCOUNT_SID else "",
)
