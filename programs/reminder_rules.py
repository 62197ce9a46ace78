"""PURE: which days a home-program reminder goes out and when a re-screen falls due."""

from collections.abc import Iterable
from datetime import date, timedelta

# docs/clinical-rules.md §9: WBLT, SLHR and balance every 4-6 weeks; LEFS and FAAM every 4
# weeks. The
# shortest interval wins, so the questionnaires and the tests are repeated together.
RESCREEN_AFTER = timedelta(weeks=4)
# How far ahead home-program reminders exist as rows. The daily task tops the window up, so a
# day or two without the task still leaves every reminder in place.
REMINDER_HORIZON_DAYS = 7


def drill_weekdays(plan: Iterable[Iterable[int]]) -> frozenset[int]:
    """Weekdays (Monday = 0) with at least one drill, from a week plan of item ids per day."""
    return frozenset(day for day, items in enumerate(plan) if list(items))


def drill_days(weekdays: Iterable[int], *, first: date, count: int) -> list[date]:
    """The drill days among the `count` calendar days starting at `first`."""
    wanted = set(weekdays)
    days = (first + timedelta(days=n) for n in range(count))
    return [day for day in days if day.weekday() in wanted]


def rescreen_due_on(last_screen: date) -> date:
    """The day a patient screened on `last_screen` is due to be screened again."""
    return last_screen + RESCREEN_AFTER


# docs/clinical-rules.md §7 ("When they are asked for"): home self-tests every two weeks while
# a program is published.
SELF_TEST_EVERY = timedelta(weeks=2)


def self_test_due_on(
    *, program_since: date, last_self_test: date | None, last_asked: date | None
) -> date:
    """The day the patient is next due for home self-tests: two weeks after the latest of the
    program's start, their latest self-test and the latest time they were asked."""
    latest = max(day for day in (program_since, last_self_test, last_asked) if day is not None)
    return latest + SELF_TEST_EVERY
