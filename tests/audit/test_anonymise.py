"""Anonymisation on request: a clinic admin confirms, identity and free text go, the login
closes, future bookings and pending messages are cancelled, clinical numbers stay; it is
recorded and cannot be repeated or undone."""

import pytest
from django.contrib.sessions.models import Session
from rest_framework.authtoken.models import Token

from assessments.models import Screen
from clinic.audit.models import AccessAction, AccessEvent
from clinic.booking.models import Appointment, AppointmentStatus
from clinic.models import Patient
from clinic.notifications.models import Notification, Status
from programs.models import CheckIn, Program, ProgramItem, SessionLog

pytestmark = pytest.mark.django_db


def _url(patient) -> str:
    return f"/patients/{patient.pk}/anonymise/"


def test_the_confirm_page_explains_and_changes_nothing(client, world, record):
    client.force_login(world.home.admin)
    response = client.get(_url(world.home.patient_a))
    assert response.status_code == 200
    assert "cannot be undone" in response.content.decode()
    assert Patient.objects.get(pk=world.home.patient_a.pk).first_name == "Ada"


def test_without_the_typed_confirmation_nothing_happens(client, world, record):
    client.force_login(world.home.admin)
    response = client.post(_url(world.home.patient_a), {"confirm": "yes"})
    assert response.status_code == 400
    assert "ANONYMISE" in response.content.decode()
    assert Patient.objects.get(pk=world.home.patient_a.pk).first_name == "Ada"
    assert not AccessEvent.objects.filter(action=AccessAction.ANONYMISE).exists()


def test_anonymising_replaces_identity_and_keeps_clinical_numbers(client, world, record):
    patient = world.home.patient_a
    login = patient.user
    token = Token.objects.create(user=login)
    patient_client = type(client)()
    patient_client.force_login(login)
    assert patient_client.get("/").status_code == 200
    Appointment.objects.filter(pk=record.past.pk).update(cancel_reason="Ada's mother is ill")
    client.force_login(world.home.admin)

    response = client.post(_url(patient), {"confirm": "ANONYMISE"})
    assert response.status_code == 302

    patient.refresh_from_db()
    assert patient.first_name == "Anonymised"
    assert patient.last_name == f"patient {patient.pk}"
    assert (patient.email, patient.phone, patient.date_of_birth, patient.intake_notes) == (
        "",
        "",
        None,
        "",
    )
    assert patient.sex == "female"  # kept for the clinic's statistics
    # The login is closed: inactive, no usable password, no token, no session.
    login.refresh_from_db()
    assert not login.is_active and not login.has_usable_password()
    assert "ada" not in login.email
    assert not Token.objects.filter(pk=token.pk).exists()
    assert patient_client.get("/").status_code == 302
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(login.pk)
    ]
    # Future appointments are cancelled; past ones keep their status; notes are gone.
    future = Appointment.objects.get(pk=record.future.pk)
    past = Appointment.objects.get(pk=record.past.pk)
    assert future.status == AppointmentStatus.CANCELLED
    assert past.status == AppointmentStatus.BOOKED
    assert (future.notes, future.intake_what_hurts) == ("", "")
    assert future.cancel_reason == "Patient data anonymised on request"
    assert past.cancel_reason == ""  # free text a patient may have typed
    # Pending messages are cancelled and lose their contents.
    message = Notification.objects.get(pk=record.message.pk)
    assert message.status == Status.CANCELLED and message.payload == {}
    # Clinical numbers stay; free-text notes go.
    screen = Screen.objects.get(pk=record.screen.pk)
    assert str(screen.knee_to_wall_cm_left) == "7.5" and screen.notes == ""
    assert Program.objects.get(pk=record.program.pk).notes == ""
    assert ProgramItem.objects.filter(program=record.program).count() == len(record.items)
    assert SessionLog.objects.filter(patient=patient).count() == 1
    assert CheckIn.objects.get(pk=record.checkin.pk).pain_next_morning == 1
    # Recorded in the audit trail.
    row = AccessEvent.objects.get(action=AccessAction.ANONYMISE)
    assert (row.actor_id, row.clinic_id, row.patient_id) == (
        world.home.admin.pk,
        world.home.clinic.pk,
        patient.pk,
    )
    # The other patient is untouched.
    assert Patient.objects.get(pk=world.home.patient_b.pk).first_name == "Ben"


def test_it_cannot_be_done_twice(client, world, record):
    client.force_login(world.home.admin)
    assert client.post(_url(world.home.patient_a), {"confirm": "ANONYMISE"}).status_code == 302
    again = client.post(_url(world.home.patient_a), {"confirm": "ANONYMISE"})
    assert again.status_code == 400
    assert client.get(_url(world.home.patient_a)).context["done"] is True
    assert AccessEvent.objects.filter(action=AccessAction.ANONYMISE).count() == 1


@pytest.mark.parametrize("who", ["clinician", "frontdesk"])
def test_only_a_clinic_admin_may_anonymise(client, world, record, who):
    client.force_login(getattr(world.home, who))
    assert client.post(_url(world.home.patient_a), {"confirm": "ANONYMISE"}).status_code == 403
    assert Patient.objects.get(pk=world.home.patient_a.pk).first_name == "Ada"


def test_another_clinic_admin_gets_404(client, world, record):
    client.force_login(world.other.admin)
    assert client.post(_url(world.home.patient_a), {"confirm": "ANONYMISE"}).status_code == 404
    assert Patient.objects.get(pk=world.home.patient_a.pk).first_name == "Ada"


@pytest.mark.postgres
def test_anonymisation_is_in_the_write_history(client, world, record):
    from clinic.audit.models import AppointmentEvent, PatientEvent

    client.force_login(world.home.admin)
    client.post(_url(world.home.patient_a), {"confirm": "ANONYMISE"})
    event = PatientEvent.objects.filter(pgh_obj_id=world.home.patient_a.pk).first()
    assert event.pgh_label == "update" and event.first_name == "Anonymised"
    assert event.pgh_context["action"] == "anonymise"
    assert event.pgh_context["user"] == world.home.admin.pk
    cancelled = AppointmentEvent.objects.filter(pgh_obj_id=record.future.pk).first()
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.pgh_context["action"] == "anonymise"


@pytest.mark.postgres
def test_an_anonymised_patients_identity_leaves_the_trail_and_its_csv(
    client, api, world, record, admin_client
):
    """The history rows keep the old values (append-only), but the trail page, its CSV and the
    admin show them as removed once the patient is anonymised."""
    from clinic.audit.models import AppointmentEvent, PatientEvent
    from tests.booking.conftest import build_booking

    booking = build_booking(world)
    response = api.post(
        "/api/v1/public/bookings/?clinic=home",
        {
            "type": "running-performance-consult",
            "start": booking.at(9).isoformat(),
            "clinician": world.home.clinician.pk,
            "name": "Zelda Quorn",
            "email": "zelda.quorn@example.org",
            "phone": "410 555 0177",
            "what_hurts": "Zelda's left achilles since Boston",
            "goal_race": "Quornshire 10k",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    patient = Appointment.objects.get(pk=response.json()["id"]).patient
    client.force_login(world.home.admin)
    edited = client.post(
        f"/patients/{patient.pk}/edit/",
        {
            "first_name": "Zelda",
            "last_name": "Quorn",
            "date_of_birth": "1987-02-03",
            "sex": "female",
            "email": "zelda.quorn@example.org",
            "phone": "410 555 0188",
        },
    )
    assert edited.status_code == 302
    secrets = [
        "Zelda",
        "Quorn",
        "zelda.quorn",
        "4105550177",
        "4105550188",
        "1987-02-03",
        "achilles",
    ]
    # Before: the history shows who it was (the test would prove nothing otherwise).
    before = client.get("/audit/", {"patient": patient.pk}).content.decode()
    assert "zelda.quorn@example.org" in before and "4105550188" in before
    anonymised = client.post(f"/patients/{patient.pk}/anonymise/", {"confirm": "ANONYMISE"})
    assert anonymised.status_code == 302
    # The rows are all still there, with their old values.
    assert PatientEvent.objects.filter(pgh_obj_id=patient.pk, email__contains="zelda").exists()
    assert AppointmentEvent.objects.filter(intake_what_hurts__contains="achilles").exists()

    page = client.get("/audit/", {"patient": patient.pk}).content.decode()
    everything = client.get("/audit/").content.decode()
    export = b"".join(client.get("/audit/export/").streaming_content).decode()
    filtered = b"".join(
        client.get("/audit/export/", {"patient": patient.pk}).streaming_content
    ).decode()
    for text in (page, everything, export, filtered):
        for secret in secrets:
            assert secret not in text, secret
    assert "(removed: patient anonymised)" in page and "(removed: patient anonymised)" in export
    assert "intake_what_hurts" in filtered  # the row is kept, its value is not shown
    # Another patient's history is shown as it is.
    other = client.get("/audit/", {"patient": world.home.patient_b.pk}).content.decode()
    assert "(removed" not in other

    event = PatientEvent.objects.filter(pgh_obj_id=patient.pk, email__contains="zelda").first()
    admin_page = admin_client.get(f"/admin/audit/patientevent/{event.pk}/change/")
    assert admin_page.status_code == 200
    for secret in secrets:
        assert secret not in admin_page.content.decode(), secret


def _history_row(patient, label: str):
    """A history row as the PostgreSQL trigger writes it (by hand, so SQLite has one too)."""
    from django.utils import timezone

    from clinic.audit.models import PatientEvent

    values = {f.attname: getattr(patient, f.attname) for f in Patient._meta.concrete_fields}
    return PatientEvent.objects.create(
        pgh_obj_id=patient.pk,
        pgh_label=label,
        pgh_created_at=timezone.now(),
        pgh_context={"user": None},
        **values,
    )


def test_the_trail_hides_an_anonymised_patients_old_values(world):
    from clinic.audit import selectors, services

    home = world.home
    for patient in (home.patient_a, home.patient_b):
        patient.phone = f"555 01{patient.pk:02d}"
        patient.save()
        _history_row(patient, "insert")
    old = home.patient_a
    services.patient_anonymise(user=home.admin, patient=old)

    def values(patient) -> dict[str, set]:
        rows = selectors.trail_all(
            clinic_id=home.clinic.pk, flt=selectors.TrailFilter(kind="patient", patient=patient.pk)
        )
        found: dict[str, set] = {}
        for row in rows:
            for column, before, after in row.changes:
                found.setdefault(column, set()).update({before, after})
        return found

    hidden = values(old)
    for column in ("first_name", "last_name", "email", "phone", "date_of_birth"):
        assert getattr(old, column) not in hidden[column], column
        assert selectors.REMOVED in hidden[column], column
    assert "female" in hidden["sex"]  # not identifying: kept for the statistics
    shown = values(home.patient_b)
    assert home.patient_b.email in shown["email"] and selectors.REMOVED not in shown["email"]
