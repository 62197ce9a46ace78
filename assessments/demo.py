"""Demo screens for the demo clinic (called by `manage.py seed_demo` after clinic.site.demo)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from clinic.models import Patient, User

from . import instruments, questionnaires, services
from .models import QuestionnaireSource

# interface.md's example screen, as model columns.
EXAMPLE_SCREEN = {
    "pain_nprs": 3,
    "injury_history": [{"condition": "achilles_midportion", "side": "left", "status": "current"}],
    "signs": ["heel_lift_in_squat", "toe_clawing"],
    "knee_to_wall_cm_left": 7.5,
    "knee_to_wall_cm_right": 11.0,
    "heel_raise_reps_left": 18,
    "heel_raise_reps_right": 26,
    "balance_eyes_open_s_left": 22,
    "balance_eyes_open_s_right": 45,
    "balance_eyes_closed_s_left": 4,
    "balance_eyes_closed_s_right": 9,
    "y_balance_anterior_cm_left": 58,
    "y_balance_anterior_cm_right": 64,
    "navicular_drop_mm_left": 11,
    "navicular_drop_mm_right": 7,
    "foot_posture_index_left": 7,
    "foot_posture_index_right": 4,
    "hallux_extension_deg_left": 60,
    "hallux_extension_deg_right": 70,
    "short_foot_left": "fail",
    "short_foot_right": "pass",
    "toe_yoga_left": "fail",
    "toe_yoga_right": "pass",
    "cadence_spm": 156,
    "foot_strike_left": "heel",
    "foot_strike_right": "heel",
    "overstride": True,
    "heel_lift": "early",
    "arch_collapse_left": True,
    "arch_collapse_right": False,
    "pelvic_drop_left": False,
    "pelvic_drop_right": False,
    "knee_valgus_left": False,
    "knee_valgus_right": False,
}

# The same runner four weeks earlier: stiffer, weaker, more pain.
EARLIER_SCREEN = {
    **EXAMPLE_SCREEN,
    "pain_nprs": 5,
    "knee_to_wall_cm_left": 5.0,
    "knee_to_wall_cm_right": 10.5,
    "heel_raise_reps_left": 11,
    "heel_raise_reps_right": 24,
    "balance_eyes_open_s_left": 15,
    "lefs": 52,
    "visa_a": 48,
    "notes": "First screen: left mid-portion Achilles pain for 6 weeks, running 20 km/week.",
}

OTHER_SCREENS = [
    # patient index in DemoClinic.patients, days before today, values
    (
        1,
        30,
        {
            "knee_to_wall_cm_left": 12.5,
            "knee_to_wall_cm_right": 12.0,
            "heel_raise_reps_left": 25,
            "heel_raise_reps_right": 27,
            "cadence_spm": 172,
            "foot_posture_index_left": 3,
            "foot_posture_index_right": 4,
        },
    ),
    (
        2,
        45,
        {
            "knee_to_wall_cm_left": 10.0,
            "knee_to_wall_cm_right": 7.8,
            "heel_raise_reps_left": 31,
            "heel_raise_reps_right": 24,
            "injury_history": [
                {"condition": "ankle_sprain_recurrent", "side": "right", "status": "past"}
            ],
            "signs": ["frequent_ankle_rolls"],
            "balance_eyes_open_s_left": 45,
            "balance_eyes_open_s_right": 26,
        },
    ),
    (
        2,
        10,
        {
            "knee_to_wall_cm_left": 10.4,
            "knee_to_wall_cm_right": 9.9,
            "heel_raise_reps_left": 32,
            "heel_raise_reps_right": 29,
            "balance_eyes_open_s_left": 45,
            "balance_eyes_open_s_right": 38,
        },
    ),
    # Insertional Achilles pain (M-AT-INS) with a mildly stiff ankle on the same side: the demo
    # program shows the engine holding a step the modifier forbids (programs.demo).
    (
        4,
        21,
        {
            "pain_nprs": 3,
            "injury_history": [
                {"condition": "achilles_insertional", "side": "left", "status": "current"}
            ],
            "knee_to_wall_cm_left": 9.0,
            "knee_to_wall_cm_right": 11.5,
            "heel_raise_reps_left": 22,
            "heel_raise_reps_right": 25,
            "notes": "Insertional Achilles pain on the left for 3 months; runs 25 km a week.",
        },
    ),
    (
        5,
        20,
        {
            "hallux_extension_deg_left": 52,
            "hallux_extension_deg_right": 68,
            "foot_posture_index_left": -2,
            "foot_posture_index_right": -1,
            "pain_nprs": 2,
            "injury_history": [
                {"condition": "plantar_heel_pain", "side": "left", "status": "current"}
            ],
        },
    ),
]


def _seed(patient: Patient, clinician: User, days_ago: int, values: dict) -> None:
    today = patient.clinic.today()
    services.screen_create(
        user=clinician,
        clinic=patient.clinic,
        patient=patient,
        performed_on=today - timedelta(days=days_ago),
        **values,
    )


@transaction.atomic
def seed_screens(clinics: dict) -> None:
    """Give a few demo patients screens; patients who already have screens are left alone."""
    demo = clinics["demo"]
    clinician = demo.staff["clinician"]
    patient = demo.demo_patient
    if not patient.screens.exists():
        _seed(patient, clinician, 31, EARLIER_SCREEN)
        _seed(patient, clinician, 3, EXAMPLE_SCREEN)
    done: set[int] = set()
    for index, days_ago, values in OTHER_SCREENS:
        other = demo.patients[index]
        if other.pk in done or not other.screens.exists():
            done.add(other.pk)
            _seed(other, clinician, days_ago, values)
    other_clinic = clinics["other"]
    if other_clinic.patients and not other_clinic.patients[0].screens.exists():
        _seed(
            other_clinic.patients[0],
            other_clinic.staff["clinician"],
            14,
            {"knee_to_wall_cm_left": 9.0, "knee_to_wall_cm_right": 11.5},
        )


def seed_questionnaires(clinics: dict) -> None:
    """The demo patient has one questionnaire of each kind waiting, so the feature shows at
    once; a patient who was ever asked is left alone."""
    patient = clinics["demo"].demo_patient
    if not patient.questionnaires.exists():
        questionnaires.questionnaires_assign(
            patient=patient, codes=instruments.CODES, source=QuestionnaireSource.CLINICIAN
        )
