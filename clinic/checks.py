"""Deployment checks of our own: `manage.py check --deploy` refuses a placeholder SECRET_KEY."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, register

# Keys that were published with the project (docker-compose.yml shipped the first as a
# default until 2026-12; base.py's development key is the second). Anyone can sign with them.
KNOWN_PUBLIC_KEYS = frozenset(
    {
        "change-me-to-a-long-random-string-before-going-live-0123456789",
        "dev-only-insecure-key-change-me-in-production-0123456789",
    }
)

# Words and runs that placeholders contain and generated keys practically never do: the
# shortest, five letters, turns up in about one random 50-character key in ten million.
PLACEHOLDER_MARKERS = (
    "changeme",
    "replaceme",
    "placeholder",
    "insecure",
    "yoursecret",
    "notsecret",
    "notasecret",
    "example",
    "devonly",
    "buildonly",
    "testonly",
    "dummy",
    "fixme",
    "setme",
    "0123456789",
    "1234567890",
    "abcdefghij",
)


def placeholder_reason(key: str) -> str | None:
    """Why `key` is an obvious placeholder, or None when it looks generated. The reason
    names the marker, never the key, so it is safe to print in a log."""
    if key in KNOWN_PUBLIC_KEYS:
        return "it is a key published with Groundwork"
    letters = re.sub(r"[^a-z0-9]", "", key.lower())
    for marker in PLACEHOLDER_MARKERS:
        if marker in letters:
            return f"it contains {marker!r}"
    return None


@register(Tags.security, deploy=True)
def check_secret_key_is_not_a_placeholder(app_configs, **kwargs) -> list[Error]:
    reason = placeholder_reason(str(getattr(settings, "SECRET_KEY", "")))
    if reason is None:
        return []
    return [
        Error(
            f"SECRET_KEY is a placeholder ({reason}): anyone who knows it can forge "
            "appointment links, unsubscribe links and signed forms.",
            hint=(
                "Set SECRET_KEY to a long random value, e.g. the output of "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
            ),
            id="clinic.E001",
        )
    ]
