"""Clinic admins manage staff, appointment types and working hours for their own clinic only."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from clinic.booking.models import AppointmentType, WorkingHours
from clinic.models import Role, StaffMembership, User
from tests.factories import AppointmentTypeFactory, working_week

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    ("setup_staff", lambda w: []),
    ("setup_staff_edit", lambda w: [w.home.clinician.membership.pk]),
    ("setup_hours", lambda w: [w.home.clinician.pk]),
    ("setup_types", lambda w: []),
    ("setup_type_new", lambda w: []),
]


@pytest.mark.parametrize(("name", "args"), ADMIN_PAGES)
@pytest.mark.parametrize("role", ["clinician", "frontdesk"])
def test_only_clinic_admins_open_set_up_pages(client, world, name, args, role):
    client.force_login(getattr(world.home, role))
    assert client.get(reverse(name, args=args(world))).status_code == 403
    client.force_login(world.home.admin)
    assert client.get(reverse(name, args=args(world))).status_code == 200


def test_patients_cannot_open_set_up_pages(client, world):
    client.force_login(world.home.patient_a.user)
    assert client.get(reverse("setup_staff")).status_code == 403


def test_another_clinics_staff_member_and_type_are_404(client, world):
    client.force_login(world.home.admin)
    other_type = AppointmentTypeFactory(clinic=world.other.clinic)
    assert (
        client.get(
            reverse("setup_staff_edit", args=[world.other.clinician.membership.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("setup_hours", args=[world.other.clinician.pk])).status_code == 404
    assert client.get(reverse("setup_type_edit", args=[other_type.pk])).status_code == 404
    response = client.post(
        reverse("setup_staff_edit", args=[world.other.clinician.membership.pk]),
        {"role": "front_desk", "title": "", "is_active": ""},
    )
    assert response.status_code == 404
    assert StaffMembership.objects.get(user=world.other.clinician).role == Role.CLINICIAN


def test_the_staff_list_shows_only_this_clinics_staff(client, world):
    client.force_login(world.home.admin)
    page = client.get(reverse("setup_staff")).content.decode()
    assert world.home.frontdesk.email in page
    assert world.other.frontdesk.email not in page


def test_adding_a_staff_member_e_mails_a_working_set_password_link(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.home.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("setup_staff"),
            {
                "full_name": "Kim Park",
                "email": "Kim@Home.test",
                "role": "clinician",
                "title": "DPT",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="kim@home.test")
    assert user.membership.clinic == world.home.clinic
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password/reset/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"},
    )
    user.refresh_from_db()
    assert user.check_password("a-fresh-long-passphrase")


def test_an_e_mail_that_already_has_an_account_is_refused(client, world):
    client.force_login(world.home.admin)
    response = client.post(
        reverse("setup_staff"),
        {"full_name": "X", "email": world.other.clinician.email, "role": "clinician", "title": ""},
    )
    assert "already has a Groundwork account" in response.content.decode()
    assert world.other.clinician.membership.clinic == world.other.clinic


def test_deactivating_a_staff_member_stops_their_sign_in(client, world):
    client.force_login(world.home.admin)
    membership = world.home.frontdesk.membership
    client.post(
        reverse("setup_staff_edit", args=[membership.pk]), {"role": "front_desk", "title": ""}
    )
    world.home.frontdesk.refresh_from_db()
    assert world.home.frontdesk.is_active is False
    client.logout()
    response = client.post(
        reverse("login"),
        {"username": world.home.frontdesk.email, "password": "correct-horse-battery"},
    )
    assert response.status_code == 200


def test_an_admin_cannot_demote_or_deactivate_themself(client, world):
    client.force_login(world.home.admin)
    membership = world.home.admin.membership
    response = client.post(
        reverse("setup_staff_edit", args=[membership.pk]),
        {"role": "clinician", "title": "", "is_active": "on"},
    )
    assert "cannot remove your own admin role" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.CLINIC_ADMIN


def test_an_admin_creates_an_appointment_type_and_bad_values_are_named(client, world):
    client.force_login(world.home.admin)
    data = {
        "name": "Gait re-check",
        "slug": "gait-recheck",
        "duration_minutes": "2",
        "buffer_minutes": "5",
        "color": "#123456",
        "is_active": "on",
        "clinicians": [world.home.clinician.pk],
    }
    response = client.post(reverse("setup_type_new"), data)
    assert "between 5 and 480 minutes" in response.content.decode()
    assert 'value="Gait re-check"' in response.content.decode()
    response = client.post(reverse("setup_type_new"), {**data, "duration_minutes": "40"})
    assert response.status_code == 302
    created = AppointmentType.objects.get(slug="gait-recheck")
    assert created.clinic == world.home.clinic
    assert list(created.clinicians.all()) == [world.home.clinician]


def test_a_slug_used_by_another_type_of_the_clinic_is_refused(client, world):
    AppointmentTypeFactory(clinic=world.home.clinic, slug="follow-up")
    client.force_login(world.home.admin)
    response = client.post(
        reverse("setup_type_new"),
        {
            "name": "Follow-up",
            "slug": "follow-up",
            "duration_minutes": "30",
            "buffer_minutes": "0",
            "color": "#000000",
        },
    )
    assert "uses this slug" in response.content.decode()


def test_an_admin_sets_a_clinicians_week_and_a_reversed_span_is_refused(client, world):
    clinician = world.home.clinician
    working_week(world.home.clinic, clinician)
    client.force_login(world.home.admin)
    url = reverse("setup_hours", args=[clinician.pk])
    assert 'value="08:00"' in client.get(url).content.decode()
    bad = {"works_0": "on", "start_0": "17:00", "end_0": "09:00"}
    response = client.post(url, bad)
    assert "the end must be after the start" in response.content.decode()
    assert WorkingHours.objects.filter(clinician=clinician).count() == 5
    good = {
        "works_1": "on",
        "start_1": "07:30",
        "end_1": "15:00",
        "works_3": "on",
        "start_3": "10:00",
        "end_3": "19:00",
    }
    assert client.post(url, good).status_code == 302
    rows = WorkingHours.objects.filter(clinician=clinician).order_by("weekday")
    assert [(r.weekday, str(r.start_time), str(r.end_time)) for r in rows] == [
        (1, "07:30:00", "15:00:00"),
        (3, "10:00:00", "19:00:00"),
    ]


def test_service_errors_land_on_the_named_field_or_above_the_form():
    from django import forms
    from django.core.exceptions import ValidationError

    from clinic.forms import add_service_errors, service_error_messages

    class Form(forms.Form):
        name = forms.CharField()

    form = Form({"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError({"name": "Too short.", "elsewhere": "Odd."}))
    add_service_errors(form, ValidationError("Not today."))
    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Odd.", "Not today."]
    assert service_error_messages(ValidationError("Plain.")) == ["Plain."]
    assert service_error_messages(ValidationError({"a": "One.", "b": "Two."})) == ["One.", "Two."]
