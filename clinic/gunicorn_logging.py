"""gunicorn's logger without link tokens: `gunicorn --logger-class clinic.gunicorn_logging.Logger`.

The access log writes the request line, the path and the Referer of every request; a manage,
unsubscribe, magic or password-reset link carries its credential in the path, so those
values go through `clinic.link_tokens.redact_text` first.
"""

from __future__ import annotations

from gunicorn.glogging import Logger as _GunicornLogger

from .link_tokens import redact_text


class Logger(_GunicornLogger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        # Every text value a log format may name: request line, path, Referer, headers.
        for key, value in atoms.items():
            if isinstance(value, str) and "/" in value:
                atoms[key] = redact_text(value)
        return atoms
