"""A large clinic's week calendar shows one clinician at a time; a small clinic's shows all."""

from datetime import date

import pytest
from django.urls import reverse

from clinic.booking.views import WEEK_MAX_CLINICIANS
from clinic.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = date(2030, 3, 6)  # a Wednesday


def _clinic_with(clinicians: int):
    clinic = f.ClinicFactory()
    desk = f.StaffFactory(clinic=clinic, role=Role.FRONT_DESK).user
    kind = f.AppointmentTypeFactory(clinic=clinic)
    staff = [f.StaffFactory(clinic=clinic).user for _ in range(clinicians)]
    patients = []
    for n, clinician in enumerate(staff):
        patient = f.PatientFactory(clinic=clinic, first_name="Runner", last_name=f"Number{n}")
        f.appointment(
            clinic=clinic, patient=patient, clinician=clinician, kind=kind, day=DAY, hour=9
        )
        patients.append(patient)
    return desk, staff, patients


def test_a_large_clinics_week_shows_the_first_clinician_until_another_is_chosen(client):
    desk, staff, patients = _clinic_with(WEEK_MAX_CLINICIANS + 1)
    client.force_login(desk)
    url = reverse("booking_calendar_week")
    page = client.get(url, {"date": DAY.isoformat()}).content.decode()
    shown = [p for p in patients if p.full_name in page]
    assert len(shown) == 1
    chosen = staff[-1]
    page = client.get(url, {"date": DAY.isoformat(), "clinician": chosen.pk}).content.decode()
    assert [p for p in patients if p.full_name in page] == [patients[-1]]
    day = client.get(reverse("booking_calendar_day"), {"date": DAY.isoformat()})
    assert all(p.full_name in day.content.decode() for p in patients)


def test_a_small_clinics_week_shows_everyone(client):
    desk, _, patients = _clinic_with(WEEK_MAX_CLINICIANS)
    client.force_login(desk)
    page = client.get(reverse("booking_calendar_week"), {"date": DAY.isoformat()})
    assert all(p.full_name in page.content.decode() for p in patients)
