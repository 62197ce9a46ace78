"""Screen services: every value checked against docs/clinical-rules.md §2, all or nothing,
side named."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import ClinicThresholds, Screen

pytestmark = pytest.mark.django_db


def create(world, **fields):
    return services.screen_create(
        user=world.home.clinician,
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        performed_on=dt.date(2026, 11, 1),
        **fields,
    )


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("knee_to_wall_cm_left", 25.1, ["left", "0 to 25 cm"]),
        ("knee_to_wall_cm_right", -0.1, ["right", "0 to 25 cm"]),
        ("heel_raise_reps_right", 101, ["right", "0 to 100"]),
        ("heel_raise_reps_left", 12.5, ["left", "whole number"]),
        ("balance_eyes_closed_s_left", "a while", ["left", "expected a number"]),
        ("y_balance_anterior_cm_right", 151, ["right", "0 to 150"]),
        ("navicular_drop_mm_left", 26, ["left", "0 to 25 mm"]),
        ("foot_posture_index_right", -13, ["right", "-12 to 12"]),
        ("hallux_extension_deg_left", 111, ["left", "0 to 110"]),
        ("short_foot_right", "ok", ["right", "pass, fail"]),
        ("foot_strike_left", "toe", ["left", "heel, mid, fore"]),
        ("arch_collapse_right", "yes", ["right", "true, false"]),
        ("cadence_spm", 119, ["120 to 230"]),
        ("pain_nprs", 11, ["0 to 10"]),
        ("lefs", 81, ["0 to 80"]),
        ("faam_sport_pct", 100.5, ["0 to 100"]),
        ("visa_a", -1, ["0 to 100"]),
        ("knee_to_wall_cm_left", True, ["left", "number"]),
    ],
)
def test_each_bad_value_is_refused_with_field_and_side(world, column, value, words):
    with pytest.raises(ValidationError) as caught:
        create(world, **{"heel_raise_reps_left": 20, column: value})
    message = " ".join(caught.value.message_dict[column])
    for word in words:
        assert word in message
    assert Screen.objects.count() == 0


def test_all_errors_are_reported_at_once(world):
    with pytest.raises(ValidationError) as caught:
        create(world, knee_to_wall_cm_left=30, heel_raise_reps_right=-2, signs=["nope"])
    assert set(caught.value.message_dict) == {
        "knee_to_wall_cm_left",
        "heel_raise_reps_right",
        "signs",
    }


def test_a_patient_of_another_clinic_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.screen_create(
            user=world.home.clinician,
            clinic=world.home.clinic,
            patient=world.other.patient_a,
            performed_on=dt.date(2026, 11, 1),
        )
    assert "patient" in caught.value.message_dict
    assert Screen.objects.count() == 0


def test_injury_history_entries_are_checked(world):
    with pytest.raises(ValidationError) as caught:
        create(world, injury_history=[{"condition": "achilles_midportion", "side": "up"}])
    assert "side" in caught.value.message_dict["injury_history"][0]


def test_an_update_that_fails_changes_nothing(world):
    screen = create(world, knee_to_wall_cm_left=7.5, heel_raise_reps_left=18)
    with pytest.raises(ValidationError):
        services.screen_update(
            user=world.home.admin, screen=screen, knee_to_wall_cm_left=9, lefs=90
        )
    screen.refresh_from_db()
    assert float(screen.knee_to_wall_cm_left) == 7.5
    assert screen.updated_by == world.home.clinician


def test_threshold_overrides_are_validated(world):
    with pytest.raises(ValidationError):
        services.clinic_thresholds_set(
            user=world.home.admin, clinic=world.home.clinic, overrides={"wblt.nonsense": 1}
        )
    with pytest.raises(ValidationError):
        services.clinic_thresholds_set(
            user=world.home.admin, clinic=world.home.clinic, overrides={"wblt.asym_cm": "2"}
        )
    row = services.clinic_thresholds_set(
        user=world.home.admin,
        clinic=world.home.clinic,
        overrides={"wblt.asym_cm": 2.5, "wblt.restricted_cm": 10.0},
    )
    assert row.overrides == {"wblt.asym_cm": 2.5}  # the default value is not stored
    bad = ClinicThresholds(clinic=world.other.clinic, overrides={"x": 1})
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_a_screen_needs_the_patients_birth_date_and_sex_first(world):
    patient = world.home.patient_a
    patient.date_of_birth = None
    patient.save()
    with pytest.raises(ValidationError) as error:
        create(world, knee_to_wall_cm_left=9.0)
    assert "date of birth and sex" in str(error.value.message_dict["patient"])
    assert not Screen.objects.exists()
