"""The one answer to "which address is this client?" for lockouts, throttles and rate limits.

Sign-in lockouts (django-axes), the API throttles and the hand-written limiters all key on it,
so they agree about who is asking. `X-Forwarded-For` is read only when the deployment says how
many reverse proxies it trusts (TRUSTED_PROXY_COUNT); each of them appends the address it saw,
so the client is the N-th entry from the right. Entries further left come from the client and
prove nothing. With no trusted proxy (the default) the header is ignored and the socket's
address, REMOTE_ADDR, is the client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

_CACHED = "_gw_client_ip"


def client_ip(request) -> str | None:
    """The client's address for `request` (Django's or DRF's), or None when there is none."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    try:
        return getattr(request, _CACHED)
    except AttributeError:
        pass
    address = _resolve(request)
    setattr(request, _CACHED, address)
    return address


def _resolve(request: HttpRequest) -> str | None:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        # ipware counts the proxies listed in the header besides the client; ours are the
        # N right-most entries, the client among them, so N-1 more must follow it. A chain
        # shorter than that did not come through every trusted proxy: the socket decides.
        address, _ = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    address, _ = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return address
