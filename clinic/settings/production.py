"""Production settings: secrets from the environment, HTTPS only, hashed static files."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import SMS_BACKEND, STORAGES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "clinic.static_storage.StaticStorage"},
}

TEMPLATES = [  # cached template loader, explicit
    {
        **TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

# A text printed to a log or written to a file would be recorded as sent while reaching nobody.
DEVELOPMENT_SMS_BACKENDS = ("ConsoleSmsBackend", "FileSmsBackend", "LocmemSmsBackend")
if SMS_BACKEND.rsplit(".", 1)[-1] in DEVELOPMENT_SMS_BACKENDS:
    raise ImproperlyConfigured(
        f"SMS_BACKEND={SMS_BACKEND} only pretends to send texts; set the TWILIO_* variables, "
        "or leave SMS_BACKEND unset so that texts are not offered."
    )
