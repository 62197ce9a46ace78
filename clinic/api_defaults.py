"""DRF defaults set in settings: pagination with a largest page, a JSON parser that
answers every malformed body with a 400, and API tokens that expire.

DRF imports these classes from settings when `rest_framework.views` is first imported, which
is after the apps are ready (by the URL confs and the apps' API modules), so this module may
import the ground floor: a token's lifetime depends on its owner's role (clinic.access).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser

from .access import PATIENT, role_of
from .languages import activate_for

MAX_PAGE_SIZE = 200


class ClinicPagination(LimitOffsetPagination):
    """`?limit=&offset=` as DRF does it, with `limit` cut to MAX_PAGE_SIZE: no client reads a
    whole table at once, and a number too large for the database is never sent to it."""

    max_limit = MAX_PAGE_SIZE


def _first_lone_surrogate(value: Any) -> str | None:
    """The first string (key or value) inside parsed JSON that is not valid Unicode.

    JSON's `\\ud800`-style escapes can spell half of a surrogate pair, which Python keeps as
    a string that cannot be encoded; echoed back in an error it would break the response.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return item
    return None


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus a 400 for bodies nested too deeply to parse and for text that
    is not valid Unicode (DRF itself lets the first become a server error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(
                gettext("JSON parse error - the body is nested too deeply.")
            ) from error
        bad = _first_lone_surrogate(data)
        if bad is not None:
            shown = bad[:40].encode("utf-8", "backslashreplace").decode("utf-8")
            raise ParseError(
                gettext(
                    'JSON parse error - "%(text)s" contains an unpaired surrogate escape, '
                    "which is not valid Unicode."
                )
                % {"text": shown}
            )
        return data


TOKEN_EXPIRED_MESSAGE = "This token has expired. Sign in again at /api/v1/auth/token/."


def token_max_age(user) -> timedelta:
    """How long a token lives from sign-in: a staff member's working day
    (STAFF_TOKEN_MAX_AGE_HOURS), longer for a patient's phone (PATIENT_TOKEN_MAX_AGE_HOURS)."""
    if role_of(user) == PATIENT:
        return timedelta(hours=settings.PATIENT_TOKEN_MAX_AGE_HOURS)
    return timedelta(hours=settings.STAFF_TOKEN_MAX_AGE_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` as DRF does it, refusing (401) and deleting a token older
    than its owner's `token_max_age`."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            # A patient's app reads the API in the patient's language, as the pages do.
            activate_for(request._request, found[0])
        return found

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() - token.created >= token_max_age(user):
            token.delete()
            raise AuthenticationFailed(TOKEN_EXPIRED_MESSAGE)
        return user, token
