"""The pure slot finder: hours, DST changes, buffers, time off, notice, horizon, closures."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.booking import availability as av

NY = ZoneInfo("America/New_York")
SPRING_FORWARD = date(2026, 3, 8)  # a Sunday: 02:00 EST becomes 03:00 EDT
FALL_BACK = date(2026, 11, 1)  # a Sunday: 02:00 EDT becomes 01:00 EST
MONDAY = date(2026, 6, 15)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)

HOUR = av.AppointmentShape(60)
RULES = av.Rules(
    "America/New_York", slot_step_minutes=15, min_notice=timedelta(0), horizon_days=3650
)


def local(day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, fold=fold), tzinfo=NY)


def clinician(day: date, start=time(8), end=time(18), busy=(), cid=1) -> av.ClinicianDay:
    return av.ClinicianDay(cid, (av.WorkingBlock(day.weekday(), start, end),), tuple(busy))


def starts(slots):
    return [s.start for s in slots]


def test_a_plain_day_offers_every_quarter_hour_where_the_appointment_fits():
    slots = av.free_slots(
        day=MONDAY, shape=HOUR, clinicians=[clinician(MONDAY)], rules=RULES, now=LONG_AGO
    )
    assert slots[0].start == local(MONDAY, 8)
    assert slots[-1].start == local(MONDAY, 17)
    assert len(slots) == 37
    assert all(s.end - s.start == timedelta(hours=60 / 60) for s in slots)


def test_after_the_spring_change_eight_oclock_is_one_hour_earlier_in_utc():
    before = av.free_slots(
        day=SPRING_FORWARD - timedelta(days=1),
        shape=HOUR,
        clinicians=[clinician(SPRING_FORWARD - timedelta(days=1))],
        rules=RULES,
        now=LONG_AGO,
    )
    after = av.free_slots(
        day=SPRING_FORWARD,
        shape=HOUR,
        clinicians=[clinician(SPRING_FORWARD)],
        rules=RULES,
        now=LONG_AGO,
    )
    assert before[0].start == datetime(2026, 3, 7, 13, tzinfo=UTC)
    assert after[0].start == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert len(before) == len(after)


def test_hours_across_the_spring_gap_skip_the_missing_hour_and_keep_true_lengths():
    rules = av.Rules("America/New_York", 60, min_notice=timedelta(0), horizon_days=3650)
    day = clinician(SPRING_FORWARD, start=time(0), end=time(6))
    slots = av.free_slots(
        day=SPRING_FORWARD, shape=HOUR, clinicians=[day], rules=rules, now=LONG_AGO
    )
    wall = [s.start.astimezone(NY).strftime("%H:%M") for s in slots]
    assert wall == ["00:00", "01:00", "03:00", "04:00", "05:00"]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_hours_across_the_autumn_change_offer_the_repeated_hour_twice():
    rules = av.Rules("America/New_York", 60, min_notice=timedelta(0), horizon_days=3650)
    day = clinician(FALL_BACK, start=time(0), end=time(6))
    slots = av.free_slots(day=FALL_BACK, shape=HOUR, clinicians=[day], rules=rules, now=LONG_AGO)
    wall = [s.start.astimezone(NY).strftime("%H:%M %Z") for s in slots]
    assert wall == [
        "00:00 EDT",
        "01:00 EDT",
        "01:00 EST",
        "02:00 EST",
        "03:00 EST",
        "04:00 EST",
        "05:00 EST",
    ]
    assert len(set(starts(slots))) == 7


def test_a_start_on_the_autumn_day_is_checked_in_real_time():
    day = clinician(FALL_BACK, start=time(0), end=time(6))
    second_one_am = local(FALL_BACK, 1, fold=1)
    refusal = av.check_start(
        start=second_one_am, shape=HOUR, clinician=day, rules=RULES, now=LONG_AGO
    )
    assert refusal is None
    busy = clinician(
        FALL_BACK,
        start=time(0),
        end=time(6),
        busy=[av.Interval(local(FALL_BACK, 1), local(FALL_BACK, 1, fold=1))],
    )
    assert (
        av.check_start(
            start=local(FALL_BACK, 1), shape=HOUR, clinician=busy, rules=RULES, now=LONG_AGO
        )
        is av.Refusal.BUSY
    )
    assert (
        av.check_start(start=second_one_am, shape=HOUR, clinician=busy, rules=RULES, now=LONG_AGO)
        is None
    )


def test_an_existing_appointments_buffer_keeps_the_next_slot_free():
    # 09:00-10:00 with a 15 minute buffer: busy until 10:15.
    existing = av.Interval(local(MONDAY, 9), local(MONDAY, 10, 15))
    slots = av.free_slots(
        day=MONDAY,
        shape=HOUR,
        clinicians=[clinician(MONDAY, busy=[existing])],
        rules=RULES,
        now=LONG_AGO,
    )
    assert local(MONDAY, 10) not in starts(slots)
    assert local(MONDAY, 10, 15) in starts(slots)
    assert local(MONDAY, 8) in starts(slots)


def test_the_new_appointments_own_buffer_must_fit_before_the_next_one():
    existing = av.Interval(local(MONDAY, 9), local(MONDAY, 10))
    buffered = av.AppointmentShape(60, buffer_minutes=15)
    slots = av.free_slots(
        day=MONDAY,
        shape=buffered,
        clinicians=[clinician(MONDAY, busy=[existing])],
        rules=RULES,
        now=LONG_AGO,
    )
    assert local(MONDAY, 8) not in starts(slots)
    assert local(MONDAY, 10) in starts(slots)


def test_time_off_removes_the_slots_it_covers():
    afternoon_off = av.Interval(local(MONDAY, 13), local(MONDAY, 18))
    slots = av.free_slots(
        day=MONDAY,
        shape=HOUR,
        clinicians=[clinician(MONDAY, busy=[afternoon_off])],
        rules=RULES,
        now=LONG_AGO,
    )
    assert slots[-1].start == local(MONDAY, 12)
    refusal = av.check_start(
        start=local(MONDAY, 14),
        shape=HOUR,
        clinician=clinician(MONDAY, busy=[afternoon_off]),
        rules=RULES,
        now=LONG_AGO,
    )
    assert refusal is av.Refusal.BUSY


def test_minimum_notice_hides_slots_too_close_to_now():
    rules = av.Rules("America/New_York", min_notice=timedelta(hours=2))
    now = local(MONDAY, 9, 10)
    slots = av.free_slots(
        day=MONDAY, shape=HOUR, clinicians=[clinician(MONDAY)], rules=rules, now=now
    )
    assert slots[0].start == local(MONDAY, 11, 15)
    refusal = av.check_start(
        start=local(MONDAY, 10), shape=HOUR, clinician=clinician(MONDAY), rules=rules, now=now
    )
    assert refusal is av.Refusal.TOO_SOON


def test_the_horizon_ends_bookable_days():
    rules = av.Rules("America/New_York", min_notice=timedelta(0), horizon_days=10)
    now = local(MONDAY, 9)
    last = MONDAY + timedelta(days=10)
    too_far = MONDAY + timedelta(days=11)
    assert av.free_slots(day=last, shape=HOUR, clinicians=[clinician(last)], rules=rules, now=now)
    assert not av.free_slots(
        day=too_far, shape=HOUR, clinicians=[clinician(too_far)], rules=rules, now=now
    )
    refusal = av.check_start(
        start=local(too_far, 9), shape=HOUR, clinician=clinician(too_far), rules=rules, now=now
    )
    assert refusal is av.Refusal.BEYOND_HORIZON


def test_a_closed_day_has_no_slots():
    closures = [(MONDAY, MONDAY + timedelta(days=1))]
    assert not av.free_slots(
        day=MONDAY,
        shape=HOUR,
        clinicians=[clinician(MONDAY)],
        rules=RULES,
        now=LONG_AGO,
        closures=closures,
    )
    refusal = av.check_start(
        start=local(MONDAY, 9),
        shape=HOUR,
        clinician=clinician(MONDAY),
        rules=RULES,
        now=LONG_AGO,
        closures=closures,
    )
    assert refusal is av.Refusal.CLOSED


def test_starts_off_the_grid_outside_hours_or_past_are_refused():
    day = clinician(MONDAY)

    def check(start, now=LONG_AGO):
        return av.check_start(start=start, shape=HOUR, clinician=day, rules=RULES, now=now)

    assert check(local(MONDAY, 9, 7)) is av.Refusal.NOT_A_SLOT
    assert check(local(MONDAY, 17, 30)) is av.Refusal.NOT_A_SLOT  # would end after 18:00
    assert check(local(MONDAY, 7)) is av.Refusal.NOT_A_SLOT
    assert check(local(MONDAY + timedelta(days=5), 9)) is av.Refusal.NOT_A_SLOT  # Saturday
    assert check(local(MONDAY, 9), now=local(MONDAY, 12)) is av.Refusal.PAST
    assert check(local(MONDAY, 9)) is None


def test_any_clinician_gives_each_start_to_the_least_busy_one():
    busy_one = clinician(MONDAY, cid=1, busy=[av.Interval(local(MONDAY, 16), local(MONDAY, 18))])
    free_one = clinician(MONDAY, cid=2)
    slots = av.free_slots(
        day=MONDAY, shape=HOUR, clinicians=[busy_one, free_one], rules=RULES, now=LONG_AGO
    )
    merged = av.one_per_start(slots, [busy_one, free_one])
    assert len(merged) == 37
    assert {s.clinician_id for s in merged} == {2}


def test_nearest_slots_are_the_closest_in_time():
    slots = av.free_slots(
        day=MONDAY, shape=HOUR, clinicians=[clinician(MONDAY)], rules=RULES, now=LONG_AGO
    )
    nearest = av.nearest(slots, local(MONDAY, 12, 5), count=3)
    assert starts(nearest) == [local(MONDAY, 11, 45), local(MONDAY, 12), local(MONDAY, 12, 15)]


# Properties over many generated days, hours and busy times -----------------------------------


@st.composite
def schedules(draw):
    day = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    start_hour = draw(st.integers(0, 20))
    end_hour = draw(st.integers(start_hour + 1, 24))
    block = av.WorkingBlock(
        day.weekday(), time(start_hour), time(0) if end_hour == 24 else time(end_hour)
    )
    busy = []
    for _ in range(draw(st.integers(0, 4))):
        begin = local(day, draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
        busy.append(av.Interval(begin, begin + timedelta(minutes=draw(st.integers(15, 240)))))
    shape = av.AppointmentShape(
        draw(st.sampled_from([15, 30, 45, 60, 90])), draw(st.sampled_from([0, 10, 15]))
    )
    step = draw(st.sampled_from([5, 10, 15, 30, 60]))
    return day, av.ClinicianDay(7, (block,), tuple(busy)), shape, step


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_every_free_slot_fits_the_hours_and_misses_busy_time(case):
    day, clinician_day, shape, step = case
    rules = av.Rules("America/New_York", step, min_notice=timedelta(0), horizon_days=3650)
    slots = av.free_slots(
        day=day, shape=shape, clinicians=[clinician_day], rules=rules, now=LONG_AGO
    )
    grid = av.grid_starts(day=day, hours=clinician_day.hours, shape=shape, rules=rules)
    block = clinician_day.hours[0]
    opens = local(day, block.start.hour)
    closes = (
        local(day + timedelta(days=1), 0) if block.end == time(0) else local(day, block.end.hour)
    )
    for slot in slots:
        assert opens <= slot.start and slot.end <= closes
        assert slot.end - slot.start == shape.duration
        taken = av.Interval(slot.start, slot.start + shape.occupied)
        assert not any(taken.overlaps(b) for b in clinician_day.busy)
    free = {s.start for s in slots}
    for start in grid:
        refusal = av.check_start(
            start=start, shape=shape, clinician=clinician_day, rules=rules, now=LONG_AGO
        )
        assert (refusal is None) == (start in free)
        assert refusal in (None, av.Refusal.BUSY)


_minutes = st.integers(min_value=0, max_value=24 * 60)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_minutes, st.integers(min_value=1, max_value=600)), max_size=30),
    _minutes,
    st.integers(min_value=1, max_value=300),
)
def test_the_busy_index_answers_as_a_scan_of_every_interval(busy, span_start, span_length):
    """free_slots asks `BusyTimes` (a binary search); it must agree with looking at each
    interval, for overlapping, nested, touching and unordered busy times alike."""

    def at(minutes):
        return datetime.combine(MONDAY, time(0), tzinfo=UTC) + timedelta(minutes=minutes)

    intervals = [av.Interval(at(start), at(start + length)) for start, length in busy]
    span = av.Interval(at(span_start), at(span_start + span_length))
    expected = any(span.overlaps(interval) for interval in intervals)
    assert av.BusyTimes(intervals).overlaps(span) is expected
