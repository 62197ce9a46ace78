"""Tag every write of a request with who made it and from which clinic."""

from __future__ import annotations

import pghistory
from django.core.handlers.wsgi import WSGIRequest

from .context import actor_metadata, tracking


class _TrackedRequest(WSGIRequest):
    """DRF authenticates (tokens) inside the view and then sets `request.user`; the context
    follows, so API writes name their actor too."""

    def __setattr__(self, attr, value):
        if attr == "user" and getattr(value, "is_authenticated", False):
            pghistory.context(**actor_metadata(value))
        super().__setattr__(attr, value)


class AuditContextMiddleware:
    """Runs each request inside a pghistory context: user, clinic, role, method and path.

    Paths carry ids only (no patient data in URLs), so they are safe to keep.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("HEAD", "OPTIONS") or not tracking():
            return self.get_response(request)
        metadata = {
            **actor_metadata(getattr(request, "user", None)),
            "method": request.method,
            "url": request.path,
        }
        with pghistory.context(**metadata):
            if type(request) is WSGIRequest:
                request.__class__ = _TrackedRequest
            return self.get_response(request)
