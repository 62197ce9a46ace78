"""Health check of the web container: GET /healthz/ from inside it, as the TLS proxy would.

Only the standard library, so a check costs no Django start-up. The request names an allowed
host and says it came over HTTPS, so neither ALLOWED_HOSTS nor SECURE_SSL_REDIRECT turns it
away. Exit 0 when the page answers 200, 1 otherwise (a redirect included).
"""

import os
import sys
import urllib.request


def allowed_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect (to HTTPS, or elsewhere) is an unhealthy answer, never a place to go."""

    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz/",
        headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        opener = urllib.request.build_opener(RefuseRedirects)
        with opener.open(request, timeout=10) as response:
            ok = response.status == 200
    except OSError as error:  # refused, timed out, or an HTTP error status
        print(f"/healthz/ failed: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
