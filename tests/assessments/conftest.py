"""Fixtures for the assessments tests: the interface.md example screen body."""

import copy

import pytest

EXAMPLE = {
    "performed_on": "2026-11-20",
    "pain_nprs": 3,
    "injury_history": [{"condition": "achilles_midportion", "side": "left", "status": "current"}],
    "signs": ["heel_lift_in_squat", "toe_clawing"],
    "measurements": {
        "knee_to_wall_cm": {"left": 7.5, "right": 11.0},
        "heel_raise_reps": {"left": 18, "right": 26},
        "balance_eyes_open_s": {"left": 22, "right": 45},
        "balance_eyes_closed_s": {"left": 4, "right": 9},
        "y_balance_anterior_cm": {"left": 58, "right": 64},
        "navicular_drop_mm": {"left": 11, "right": 7},
        "foot_posture_index": {"left": 7, "right": 4},
        "hallux_extension_deg": {"left": 60, "right": 70},
        "short_foot": {"left": "fail", "right": "pass"},
        "toe_yoga": {"left": "fail", "right": "pass"},
    },
    "gait": {
        "cadence_spm": 156,
        "foot_strike": {"left": "heel", "right": "heel"},
        "overstride": True,
        "heel_lift": "early",
        "arch_collapse": {"left": True, "right": False},
        "pelvic_drop": {"left": False, "right": False},
        "knee_valgus": {"left": False, "right": False},
    },
}


@pytest.fixture
def example_body():
    """A fresh copy of interface.md's POST body (without the patient id)."""
    return copy.deepcopy(EXAMPLE)


def make_screen(side, patient=None, performed_on="2026-10-01", **fields):
    """A screen saved through the service, as a clinician of `side` (a tests.factories.Side)."""
    import datetime as dt

    from assessments import services

    return services.screen_create(
        user=side.clinician,
        clinic=side.clinic,
        patient=patient or side.patient_a,
        performed_on=dt.date.fromisoformat(performed_on),
        **fields,
    )
