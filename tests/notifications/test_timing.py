"""Wall-clock arithmetic of reminders: DST changes and quiet hours, without a database."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from clinic.notifications.timing import QuietHours, before, local_moment, outside_quiet_hours

NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours(time(21), time(8))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_same_local_time_is_an_hour_apart_in_utc_across_the_spring_change():
    # Clocks go forward on Sunday 8 March 2026 in New York.
    assert local_moment(date(2026, 3, 7), time(7, 30), NEW_YORK) == utc(2026, 3, 7, 12, 30)
    assert local_moment(date(2026, 3, 9), time(7, 30), NEW_YORK) == utc(2026, 3, 9, 11, 30)


def test_a_time_skipped_by_the_spring_change_lands_just_after_the_gap():
    moment = local_moment(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert moment.astimezone(NEW_YORK).time() == time(3, 30)


def test_a_time_repeated_in_the_autumn_is_its_first_occurrence():
    moment = local_moment(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert moment == utc(2026, 11, 1, 5, 30)


def test_a_day_before_is_the_same_wall_clock_time_even_when_the_clocks_change_overnight():
    sunday_ten = local_moment(date(2026, 3, 8), time(10), NEW_YORK)
    reminder = before(sunday_ten, 24, NEW_YORK)
    assert reminder.astimezone(NEW_YORK) == datetime(2026, 3, 7, 10, tzinfo=NEW_YORK)
    assert (sunday_ten - reminder).total_seconds() == 23 * 3600


def test_hours_that_are_not_whole_days_count_elapsed_time():
    monday_ten = local_moment(date(2026, 3, 9), time(10), NEW_YORK)
    assert before(monday_ten, 2, NEW_YORK) == utc(2026, 3, 9, 12)


def test_quiet_hours_wrap_past_midnight():
    assert NIGHT.contains(time(23)) and NIGHT.contains(time(3)) and NIGHT.contains(time(21))
    assert not NIGHT.contains(time(8)) and not NIGHT.contains(time(12))
    assert not QuietHours(time(9), time(9)).contains(time(9))


def test_a_message_due_at_night_waits_for_the_morning():
    late = local_moment(date(2026, 3, 9), time(23, 15), NEW_YORK)
    shifted = outside_quiet_hours(late, NIGHT, NEW_YORK)
    assert shifted.astimezone(NEW_YORK) == datetime(2026, 3, 10, 8, tzinfo=NEW_YORK)


def test_a_message_due_before_dawn_waits_until_quiet_hours_end_that_day():
    early = local_moment(date(2026, 3, 9), time(5), NEW_YORK)
    shifted = outside_quiet_hours(early, NIGHT, NEW_YORK)
    assert shifted.astimezone(NEW_YORK) == datetime(2026, 3, 9, 8, tzinfo=NEW_YORK)


def test_the_morning_after_a_spring_night_is_eight_local_not_eight_standard_time():
    late = local_moment(date(2026, 3, 7), time(22), NEW_YORK)
    shifted = outside_quiet_hours(late, NIGHT, NEW_YORK)
    assert shifted == utc(2026, 3, 8, 12)


def test_a_reminder_that_cannot_wait_goes_out_before_quiet_hours_begin():
    appointment = local_moment(date(2026, 3, 10), time(7, 30), NEW_YORK)
    two_hours_before = before(appointment, 2, NEW_YORK)
    shifted = outside_quiet_hours(two_hours_before, NIGHT, NEW_YORK, not_after=appointment)
    assert shifted.astimezone(NEW_YORK) == datetime(2026, 3, 9, 20, 45, tzinfo=NEW_YORK)


def test_a_message_outside_quiet_hours_is_left_alone():
    noon = local_moment(date(2026, 3, 9), time(12), NEW_YORK)
    assert outside_quiet_hours(noon, NIGHT, NEW_YORK) == noon
    assert outside_quiet_hours(noon, None, NEW_YORK) == noon
