"""The sign-in backend loads the staff membership and patient record with the user."""

import pytest

from clinic.access import clinic_of, membership_of, patient_of, role_of
from clinic.auth_backend import ClinicModelBackend

pytestmark = pytest.mark.django_db


def test_staff_and_patients_are_known_without_more_queries(world, django_assert_num_queries):
    backend = ClinicModelBackend()
    with django_assert_num_queries(2):  # one per user
        staff = backend.get_user(world.home.clinician.pk)
        patient = backend.get_user(world.home.patient_a.user.pk)
    with django_assert_num_queries(0):
        assert (role_of(staff), clinic_of(staff)) == ("clinician", world.home.clinic)
        assert membership_of(patient) is None
        assert patient_of(patient) == world.home.patient_a
        assert clinic_of(patient) == world.home.clinic


def test_an_inactive_membership_counts_as_none_and_inactive_users_are_refused(world):
    membership = world.home.frontdesk.membership
    membership.is_active = False
    membership.save()
    backend = ClinicModelBackend()
    assert membership_of(backend.get_user(world.home.frontdesk.pk)) is None
    world.home.admin.is_active = False
    world.home.admin.save()
    assert backend.get_user(world.home.admin.pk) is None
