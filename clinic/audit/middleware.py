"""Tag every write of a request with who made it, from which clinic, and through which route."""

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
    """Runs each request inside a pghistory context: user, clinic, role, method and route.

    The route is the URL's name (`booking_manage`, `screen-detail`), never the path: some
    paths are credentials (manage, unsubscribe, magic and password-reset links), and the
    object's id is in the history row already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("HEAD", "OPTIONS") or not tracking():
            return self.get_response(request)
        metadata = {**actor_metadata(getattr(request, "user", None)), "method": request.method}
        with pghistory.context(**metadata):
            if type(request) is WSGIRequest:
                request.__class__ = _TrackedRequest
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL is resolved by now; adds to the context entered above (if any).
        match = request.resolver_match
        if match is not None and tracking():
            pghistory.context(route=match.view_name)
        return None
