"""Change between two screens: "real" only beyond the measurement error
(docs/clinical-rules.md §3)."""

import pytest

from assessments import thresholds
from assessments.findings import ScreenInput, change_since


def screen(**measures):
    proms = measures.pop("proms", {})
    pain = measures.pop("pain", None)
    return ScreenInput(age=35, sex="female", measurements=measures, proms=proms, pain_nprs=pain)


def change_of(before, after, key="knee_to_wall_cm", side="left"):
    changes = change_since(screen(**{key: {side: before}}), screen(**{key: {side: after}}))
    (change,) = [c for c in changes if c.measure == key and c.side == side]
    return change


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("before", "after", "real", "direction"),
    [
        (8.0, 9.9, False, "within error"),
        (8.0, 10.0, True, "improved"),
        (8.0, 10.1, True, "improved"),
        (10.0, 8.1, False, "within error"),
        (10.0, 8.0, True, "worsened"),
    ],
)
def test_knee_to_wall_change_is_real_from_2_cm(side, before, after, real, direction):
    change = change_of(before, after, side=side)
    assert (change.real, change.direction) == (real, direction)
    assert change.delta == pytest.approx(after - before)


@pytest.mark.parametrize(("after", "real"), [(23, False), (24, True), (25, True)])
def test_heel_raise_change_is_real_from_6_reps(after, real):
    assert change_of(18, after, key="heel_raise_reps", side="right").real is real


def test_lower_navicular_drop_is_a_change_without_a_better_or_worse():
    change = change_of(12, 8, key="navicular_drop_mm")
    assert (change.real, change.direction) == (True, "changed")


def test_pass_fail_change_is_reported():
    change = change_of("fail", "pass", key="toe_yoga")
    assert (change.real, change.direction, change.delta) == (True, "improved", None)


def test_values_missing_on_either_screen_are_not_compared():
    assert change_since(screen(knee_to_wall_cm={"left": 8}), screen()) == []


def test_pain_and_prom_changes_use_their_own_error_and_direction():
    changes = {
        c.measure: c
        for c in change_since(
            screen(pain=5, proms={"lefs": 50, "visa_a": 60}),
            screen(pain=3, proms={"lefs": 58, "visa_a": 67}),
        )
    }
    assert (changes["pain_nprs"].real, changes["pain_nprs"].direction) == (True, "improved")
    assert changes["lefs"].real is False  # 8 < 9 points
    assert changes["visa_a"].real is True


def test_a_clinic_can_set_its_own_measurement_error():
    t = thresholds.build({"wblt.real_change_cm": 1.5})
    changes = change_since(
        screen(knee_to_wall_cm={"left": 8}), screen(knee_to_wall_cm={"left": 9.5}), t
    )
    assert changes[0].real
