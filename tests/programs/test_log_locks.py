"""What a patient's log, check-in or red-flag report locks while it is written (PostgreSQL).

It locks the patient and their program, never their clinic: the clinic's row is shared by
every patient of the clinic, so locking it would make them all wait for one another.
"""

import pytest
from django.db import transaction

from clinic.models import Clinic
from programs import patient_services
from tests.concurrency import run_together
from tests.programs.test_me_api import make_program

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def test_a_patients_report_leaves_the_clinic_and_other_patients_free(world):
    home = world.home
    program = make_program(home, items=1)

    def lock_without_waiting(i):
        with transaction.atomic():
            clinic = Clinic.objects.select_for_update(nowait=True).get(pk=home.clinic.pk)
            other = (
                type(home.patient_b)
                .objects.select_for_update(nowait=True)
                .get(pk=home.patient_b.pk)
            )
            return clinic.pk, other.pk

    with transaction.atomic():  # the report's locks are held until this block ends
        patient_services.red_flags_report(program=program, red_flags=["calf_swelling"])
        outcome = run_together(lock_without_waiting, 1)
    assert outcome == [(home.clinic.pk, home.patient_b.pk)]
