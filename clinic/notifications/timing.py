"""PURE: when a message should go out, in local wall-clock time, across DST and quiet hours."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A reminder that cannot wait until quiet hours end goes out this long before they begin.
QUIET_LEAD = timedelta(minutes=15)


@dataclass(frozen=True)
class QuietHours:
    """A nightly window, local time, in which nothing is sent; may wrap past midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at wall-clock `at` in `tz`, as an aware UTC datetime.

    A time skipped by a spring-forward change lands just after the gap (02:30 becomes 03:30),
    and a time repeated in the autumn takes its first occurrence, so nobody gets it twice.
    """
    # fold=0 reads a skipped time with the offset before the change (PEP 495), which is
    # exactly the moment after the gap, and picks the first of two repeated times.
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def before(moment: datetime, hours: float, tz: ZoneInfo) -> datetime:
    """`hours` before `moment`; whole days count in wall-clock time, so "24 h before" a 10:00
    appointment is 10:00 the day before even when the clocks change overnight."""
    if hours % 24 == 0:
        local = moment.astimezone(tz)
        day = local.date() - timedelta(days=int(hours // 24))
        return local_moment(day, local.time().replace(tzinfo=None), tz)
    return (moment - timedelta(hours=hours)).astimezone(UTC)


def outside_quiet_hours(
    due: datetime, quiet: QuietHours | None, tz: ZoneInfo, *, not_after: datetime | None = None
) -> datetime:
    """`due`, or the end of the quiet hours it falls in; if that would be later than
    `not_after` (the appointment itself), the evening before the quiet hours begin instead."""
    if quiet is None:
        return due
    local = due.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return due
    end_day = local.date()
    if quiet.start > quiet.end and local.time().replace(tzinfo=None) >= quiet.start:
        end_day += timedelta(days=1)
    shifted = local_moment(end_day, quiet.end, tz)
    if not_after is None or shifted <= not_after:
        return shifted
    start_day = local.date()
    if quiet.start > quiet.end and local.time().replace(tzinfo=None) < quiet.end:
        start_day -= timedelta(days=1)
    return local_moment(start_day, quiet.start, tz) - QUIET_LEAD
