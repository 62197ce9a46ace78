"""DRF defaults set in settings: pagination with a largest page and a JSON parser that
answers every malformed body with a 400.

DRF imports these classes while it defines its own views, before the apps are ready, so this
module imports no models.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser

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
            raise ParseError("JSON parse error - the body is nested too deeply.") from error
        bad = _first_lone_surrogate(data)
        if bad is not None:
            shown = bad[:40].encode("utf-8", "backslashreplace").decode("utf-8")
            raise ParseError(
                f'JSON parse error - "{shown}" contains an unpaired surrogate escape, '
                "which is not valid Unicode."
            )
        return data
