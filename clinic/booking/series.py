"""Repeating appointments: the start times of a series, pure (no database, no HTTP).

Occurrences keep the first start's wall-clock time in the clinic's zone: a weekly 09:00 stays
09:00 local across a daylight-saving change, so its UTC time moves by the hour instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

MAX_OCCURRENCES = 52
MAX_INTERVAL = 12
FREQUENCIES = {"weekly": WEEKLY}


def gettext_noop(message: str) -> str:
    """Marks a message for `make messages` (this module imports no Django); the caller
    translates `RuleError.template` and fills in `RuleError.params`."""
    return message


class RuleError(ValueError):
    """A rule that cannot be expanded; `field` names the part of the rule at fault. `message`
    is the English sentence; `template` % `params` is the same, for the caller to translate."""

    def __init__(self, field: str, template: str, **params):
        self.field = field
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(self.message)


@dataclass(frozen=True)
class Rule:
    freq: str = "weekly"
    interval: int = 1
    count: int | None = None
    until: date | None = None


def occurrences(*, start: datetime, rule: Rule, tz: ZoneInfo) -> list[datetime]:
    """The aware start times of a series beginning at `start`, at most MAX_OCCURRENCES.

    `until` is a local date and includes that day. Raises RuleError for a rule that gives no
    occurrence or more than MAX_OCCURRENCES."""
    if rule.freq not in FREQUENCIES:
        raise RuleError(
            "freq", gettext_noop("Repeat %(choices)s."), choices=" or ".join(FREQUENCIES)
        )
    if not 1 <= rule.interval <= MAX_INTERVAL:
        raise RuleError(
            "interval", gettext_noop("Give an interval from 1 to %(most)s."), most=MAX_INTERVAL
        )
    if (rule.count is None) == (rule.until is None):
        raise RuleError("count", gettext_noop("Give either count or until (a date), not both."))
    if rule.count is not None and not 1 <= rule.count <= MAX_OCCURRENCES:
        raise RuleError(
            "count", gettext_noop("Give a count from 1 to %(most)s."), most=MAX_OCCURRENCES
        )
    local = start.astimezone(tz).replace(tzinfo=None)
    if rule.until is not None and rule.until < local.date():
        raise RuleError(
            "until", gettext_noop("The last day cannot be before the first appointment.")
        )
    starts = list(
        rrule(
            FREQUENCIES[rule.freq],
            dtstart=local,
            interval=rule.interval,
            count=rule.count,
            until=datetime.combine(rule.until, time.max) if rule.until is not None else None,
            cache=False,
        )[: MAX_OCCURRENCES + 1]
    )
    if len(starts) > MAX_OCCURRENCES:
        raise RuleError(
            "until",
            gettext_noop("A series has at most %(most)s appointments; choose an earlier day."),
            most=MAX_OCCURRENCES,
        )
    return [moment.replace(tzinfo=tz) for moment in starts]
