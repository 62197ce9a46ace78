"""Link tokens kept out of logs and the audit trail.

Some URLs are credentials: a signed token in the path opens a booking (manage link), turns
messages off (unsubscribe), signs a patient in (magic link) or sets a password (reset link).
Anything that writes a path down (Django's request and server logs, gunicorn's access log
through `clinic.gunicorn_logging`, the audit trail's older rows) passes it through
`redact_text`, which replaces the token of such a route by `[token]`. The audit middleware
records the route's name instead of the path.
"""

from __future__ import annotations

import logging
import re

from django.urls import Resolver404, resolve

# URL arguments that are credentials, by name (every such route calls its argument `token`).
SECRET_ARGUMENTS = frozenset({"token"})
REDACTED = "[token]"
# A path, alone or at the end of an absolute URL (a Referer), up to white space, a quote or
# the query string.
_PATH = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s\"']*)?(/[^\s\"'?#]*)")


def redact_path(path: str) -> str:
    """`path` with the token of a link-token route replaced; any other path as it is."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    except Exception:  # noqa: BLE001 - logging must not fail (e.g. before the URLconf loads)
        return path
    for name, value in match.kwargs.items():
        if name in SECRET_ARGUMENTS and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def redact_text(text: str) -> str:
    """Every path in `text` (a log line, a request line, a URL) through `redact_path`."""
    if "/" not in text:
        return text

    def redact(match: re.Match) -> str:
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + redact_path(match.group(1))

    return _PATH.sub(redact, text)


class RedactLinkTokens(logging.Filter):
    """Logging filter: a record whose message holds a link token is rewritten without it.

    Django logs the path of every 4xx/5xx response (django.request, django.security.csrf)
    and runserver logs every request line (django.server).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's problem, not ours
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
