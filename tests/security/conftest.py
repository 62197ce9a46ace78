"""Both clinics of `world` with the same records, so every test can aim at ours and theirs."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.booking.models import Appointment, AppointmentType
from programs.models import Drill, Program
from programs.services import drill_create, program_build_from_screen, program_publish
from tests.assessments.conftest import make_screen
from tests.factories import AppointmentTypeFactory, Side, World, appointment, working_week


@dataclass
class Records:
    """One clinic's records: patient_a has a published program, patient_b a draft."""

    side: Side
    kind: AppointmentType
    visit: Appointment  # patient_a, in two weeks
    past_visit: Appointment  # patient_b, yesterday (can be marked a no-show)
    screen: object  # patient_a's
    published: Program
    draft_screen: object  # patient_b's
    draft: Program
    own_drill: Drill  # the clinic's own drill


def furnish(side: Side) -> Records:
    kind = AppointmentTypeFactory(clinic=side.clinic)
    kind.clinicians.set([side.clinician])
    working_week(side.clinic, side.clinician)
    today = timezone.localdate(timezone=side.clinic.tz)
    visit = appointment(
        clinic=side.clinic,
        patient=side.patient_a,
        clinician=side.clinician,
        kind=kind,
        day=today + timedelta(days=14),
        hour=10,
    )
    past_visit = appointment(
        clinic=side.clinic,
        patient=side.patient_b,
        clinician=side.clinician,
        kind=kind,
        day=today - timedelta(days=1),
        hour=10,
    )
    screen = make_screen(side, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    published = program_build_from_screen(user=side.clinician, screen=screen)
    program_publish(user=side.clinician, program=published)
    draft_screen = make_screen(side, patient=side.patient_b, heel_raise_reps_left=12)
    draft = program_build_from_screen(user=side.clinician, screen=draft_screen)
    own_drill = drill_create(
        user=side.clinician,
        clinic=side.clinic,
        slug=f"{side.clinic.slug}-band-walk",
        name=f"{side.clinic.name} band walk",
        category=Drill.objects.filter(clinic=None).first().category,
        default_sets=2,
        default_reps=10,
    )
    return Records(
        side=side,
        kind=kind,
        visit=visit,
        past_visit=past_visit,
        screen=screen,
        published=published,
        draft_screen=draft_screen,
        draft=draft,
        own_drill=own_drill,
    )


@dataclass
class Furnished:
    world: World
    home: Records
    other: Records


@pytest.fixture
def furnished(world) -> Furnished:
    return Furnished(world=world, home=furnish(world.home), other=furnish(world.other))
