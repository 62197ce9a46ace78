"""Watch files -> run summaries (programs.runs): FIT, TCX and GPX made by the tests, cadence in
steps per minute, files without cadence, damaged, unknown and hostile files; weekly load."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from programs import runs
from tests.programs.run_files import fit_run, gpx_run, tcx_run

START = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


def test_a_fit_file_gives_its_session_with_cadence_doubled_to_steps():
    summary = runs.summarise(fit_run(start=START, distance_m=10_000, duration_s=3000))
    assert summary.source_format == "fit"
    assert summary.start == START
    assert summary.distance_m == 10_000
    assert summary.duration_s == 3000  # timer time, not the elapsed time with pauses
    assert summary.cadence_spm == 170  # 85 strides a minute per leg
    assert summary.elevation_gain_m == 42
    assert summary.pace_s_per_km == 300


def test_a_fit_file_without_a_session_is_read_from_its_points():
    summary = runs.summarise(fit_run(start=START, with_session=False, records=5))
    assert (summary.distance_m, summary.duration_s, summary.cadence_spm) == (10_000, 3000, 170)
    assert summary.elevation_gain_m == 8  # 100 -> 104 -> 100 -> 104 -> 100 m


def test_a_fit_file_without_cadence_has_none():
    summary = runs.summarise(fit_run(start=START, cadence_per_leg=None))
    assert summary.cadence_spm is None
    assert summary.distance_m == 10_000


def test_a_tcx_file_doubles_its_run_cadence_and_sums_its_laps():
    summary = runs.summarise(tcx_run(start=START, distance_m=5000, duration_s=1500))
    assert summary.source_format == "tcx"
    assert (summary.start, summary.distance_m, summary.duration_s) == (START, 5000, 1500)
    assert summary.cadence_spm == 176
    assert summary.elevation_gain_m == 9  # 10, 13, 16, 19 m


def test_a_tcx_file_without_cadence_has_none():
    assert runs.summarise(tcx_run(start=START, cadence_per_leg=None)).cadence_spm is None


def test_a_gpx_file_gives_distance_time_cadence_and_climb():
    summary = runs.summarise(gpx_run(start=START, points=11, step_s=60))
    assert summary.source_format == "gpx"
    assert summary.start == START
    assert summary.distance_m == pytest.approx(2226, abs=5)  # 10 steps of 0.002° north
    assert summary.duration_s == 600
    assert summary.cadence_spm == 172
    assert summary.elevation_gain_m is not None and summary.elevation_gain_m >= 0


def test_a_gpx_file_without_cadence_has_none():
    assert runs.summarise(gpx_run(start=START, cadence_per_leg=None)).cadence_spm is None


def test_a_gpx_file_without_times_is_refused():
    with pytest.raises(runs.RunFileError, match="no times"):
        runs.summarise(gpx_run(start=START, with_times=False))


def test_the_summary_keeps_no_track():
    fields = set(runs.RunSummary.__dataclass_fields__)
    assert fields == {
        "source_format",
        "start",
        "distance_m",
        "duration_s",
        "cadence_spm",
        "elevation_gain_m",
    }


def test_the_date_is_the_clinics():
    late = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 22:30 on the 1st in New York
    summary = runs.summarise(fit_run(start=late))
    assert summary.local_date(ZoneInfo("America/New_York")) == date(2026, 12, 1)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b'<?xml version="1.0"?><kml><Document/></kml>',
    ],
    ids=["empty", "text", "png", "kml"],
)
def test_unknown_types_are_refused_by_content(data):
    with pytest.raises(runs.RunFileError, match="not a FIT, TCX or GPX"):
        runs.summarise(data)


def test_the_type_comes_from_the_content_not_the_name():
    assert runs.detect_format(gpx_run(start=START)) == "gpx"
    assert runs.detect_format(tcx_run(start=START)) == "tcx"
    assert runs.detect_format(fit_run(start=START)) == "fit"


def test_a_fit_file_with_a_flipped_byte_is_damaged():
    data = bytearray(fit_run(start=START))
    data[40] ^= 0xFF
    with pytest.raises(runs.RunFileError, match="damaged FIT"):
        runs.summarise(bytes(data))


def test_a_cut_off_fit_file_is_damaged():
    with pytest.raises(runs.RunFileError, match="damaged FIT"):
        runs.summarise(fit_run(start=START)[:60])


def test_broken_xml_is_refused():
    with pytest.raises(runs.RunFileError, match="well-formed"):
        runs.summarise(gpx_run(start=START)[:-30])


def test_entities_are_refused_never_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&b;</name>'
        b"</trk></gpx>"
    )
    with pytest.raises(runs.RunFileError, match="DTD or entities"):
        runs.summarise(bomb)


def test_external_entities_are_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities>&e;</Activities></TrainingCenterDatabase>'
    )
    with pytest.raises(runs.RunFileError, match="DTD or entities"):
        runs.summarise(xxe)


def test_a_tcx_file_without_laps_is_refused():
    empty = (
        b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        b'TrainingCenterDatabase/v2"><Activities/></TrainingCenterDatabase>'
    )
    with pytest.raises(runs.RunFileError, match="no laps"):
        runs.summarise(empty)


def test_a_cadence_already_in_steps_is_not_doubled_again():
    assert runs._steps_per_minute(172) == 172
    assert runs._steps_per_minute(86) == 172
    assert runs._steps_per_minute(20) is None  # no runner's cadence either way


# --- weekly load ---


def row(day: date, km: float, minutes: int = 30, cadence: int | None = 170) -> runs.RunRow:
    return runs.RunRow(day, km * 1000, minutes * 60, cadence)


def test_weekly_load_counts_km_long_run_and_time_weighted_cadence():
    today = date(2026, 12, 9)  # a Wednesday
    weeks = runs.weekly_load(
        [
            row(date(2026, 11, 30), 5, minutes=30, cadence=160),
            row(date(2026, 12, 2), 10, minutes=60, cadence=172),
            row(date(2026, 12, 8), 8, cadence=None),
            row(date(2026, 12, 10), 50),  # tomorrow: not counted
            row(date(2026, 11, 1), 30),  # before the window
        ],
        today=today,
        weeks=3,
    )
    assert [w.monday for w in weeks] == [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    assert [w.km for w in weeks] == [0, 15, 8]
    assert [w.runs for w in weeks] == [0, 2, 1]
    assert [w.long_run_km for w in weeks] == [None, 10, 8]
    assert [w.cadence_spm for w in weeks] == [None, 168, None]  # (160*30 + 172*60) / 90


def test_spike_weeks_count_this_week_as_the_last_seven_days():
    today = date(2026, 12, 9)
    rows = [row(date(2026, 12, 4), 6), row(date(2026, 12, 8), 4), row(date(2026, 11, 24), 10)]
    weeks = runs.spike_weeks_km(
        rows, today=today, tracked_since=date(2026, 11, 1), since=date(2026, 11, 11)
    )
    assert weeks == {
        date(2026, 11, 9): 0,
        date(2026, 11, 16): 0,
        date(2026, 11, 23): 10,
        date(2026, 11, 30): 6,
        date(2026, 12, 7): 10,  # 3 to 9 December: the Friday before and this Tuesday
    }


def test_spike_weeks_start_at_the_first_upload():
    weeks = runs.spike_weeks_km(
        [row(date(2026, 12, 8), 4)],
        today=date(2026, 12, 9),
        tracked_since=date(2026, 12, 8),
        since=date(2026, 11, 11),
    )
    assert weeks == {date(2026, 12, 7): 4}


def test_the_cadence_target_is_five_to_ten_percent_up():
    assert runs.cadence_target(160) == (168, 176)
    assert runs.cadence_target(None) is None
