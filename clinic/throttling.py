"""The API's throttle: DRF's per-scope rates, counted per client as `clinic.client_ip` sees it.

Its own module, importing nothing of DRF's views: DRF loads DEFAULT_THROTTLE_CLASSES while
`rest_framework.views` is still being imported.
"""

from rest_framework.throttling import ScopedRateThrottle

from .client_ip import client_ip


class ClientRateThrottle(ScopedRateThrottle):
    """A view's `throttle_scope` rate per client address.

    DRF's own `get_ident` trusts `X-Forwarded-For` unless NUM_PROXIES is set, so a different
    made-up header on each request would make each one a new client.
    """

    def get_ident(self, request) -> str:
        return client_ip(request) or ""
