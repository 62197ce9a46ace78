"""The staff messages pages (clinic and patient) and the unsubscribe page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.notifications import preferences, services
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    ConsentEvent,
    ConsentSource,
    Kind,
    Notification,
    Status,
)
from tests.old_links import signed_days_ago

pytestmark = pytest.mark.django_db


def message(side, patient, *, status=Status.PENDING, error="", kind=Kind.PROGRAM_REMINDER):
    row = services.notification_schedule(
        clinic=side.clinic,
        kind=kind,
        channel=Channel.EMAIL,
        due_at=timezone.now() + timedelta(days=1),
        subject=f"program:{patient.pk}:{status}",
        patient=patient,
    )
    Notification.objects.filter(pk=row.pk).update(status=status, last_error=error)
    return row


@pytest.fixture
def messages(world):
    home = world.home
    return {
        "sent": message(home, home.patient_a, status=Status.SENT),
        "pending": message(home, home.patient_a),
        "failed": message(home, home.patient_b, status=Status.FAILED, error="Mailbox is full"),
        "other": message(world.other, world.other.patient_a, status=Status.SENT),
    }


@pytest.mark.parametrize("role", ["frontdesk", "clinician", "admin"])
def test_staff_see_sent_pending_and_failed_messages_of_their_clinic(client, world, messages, role):
    client.force_login(getattr(world.home, role))
    response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ada Home" in page and "Ben Home" in page
    assert "Mailbox is full" in page
    assert "Ada Other" not in page
    assert [n.pk for n in response.context["page"]] == [
        messages["failed"].pk,
        messages["pending"].pk,
        messages["sent"].pk,
    ]
    assert response.context["counts"]["failed"] == 1


def test_the_list_filters_by_status(client, world, messages):
    client.force_login(world.home.frontdesk)
    response = client.get(reverse("notifications:list"), {"status": "failed"})
    assert [n.pk for n in response.context["page"]] == [messages["failed"].pk]


def test_the_patient_page_lists_only_that_patients_messages(client, world, messages):
    client.force_login(world.home.clinician)
    url = reverse("notifications:patient", args=[world.home.patient_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert {n.pk for n in response.context["page"]} == {
        messages["sent"].pk,
        messages["pending"].pk,
    }


def test_a_patient_of_another_clinic_is_not_found(client, world, messages):
    client.force_login(world.home.frontdesk)
    url = reverse("notifications:patient", args=[world.other.patient_a.pk])
    assert client.get(url).status_code == 404


def test_patients_may_not_open_the_staff_pages(client, world, messages):
    client.force_login(world.home.patient_a.user)
    assert client.get(reverse("notifications:list")).status_code == 403
    url = reverse("notifications:patient", args=[world.home.patient_a.pk])
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, messages):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_unsubscribe_link_asks_first_and_then_turns_the_channel_off(client, world):
    patient = world.home.patient_a
    pending = message(world.home, patient)
    token = preferences.unsubscribe_token(patient=patient, channel=Channel.EMAIL)
    url = reverse("notifications:unsubscribe", args=[token])

    response = client.get(url)
    assert response.status_code == 200 and "Stop E-mail messages?" in response.content.decode()
    assert not ConsentEvent.objects.exists()  # a link scanner's GET changes nothing

    response = client.post(url)
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert ChannelPreference.objects.get(patient=patient).email_enabled is False
    event = ConsentEvent.objects.get()
    assert (event.patient, event.channel, event.granted, event.source) == (
        patient,
        Channel.EMAIL,
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
    )
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED


def test_a_tampered_unsubscribe_link_changes_nothing(client, world):
    token = preferences.unsubscribe_token(patient=world.home.patient_a, channel=Channel.EMAIL)
    url = reverse("notifications:unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(url).status_code == 400
    assert not ConsentEvent.objects.exists()


def test_an_unsubscribe_link_expires_after_90_days(client, world):
    patient = world.home.patient_a
    data = {"p": patient.pk, "c": Channel.EMAIL}
    salt = preferences.UNSUBSCRIBE_SALT
    old = signed_days_ago(data, salt=salt, days=91, compress=True)
    url = reverse("notifications:unsubscribe", args=[old])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
    assert not ConsentEvent.objects.exists()
    assert not ChannelPreference.objects.filter(patient=patient, email_enabled=False).exists()
    recent = signed_days_ago(data, salt=salt, days=89, compress=True)
    response = client.post(reverse("notifications:unsubscribe", args=[recent]))
    assert response.status_code == 200
    assert ChannelPreference.objects.get(patient=patient).email_enabled is False


@pytest.mark.parametrize("data", [["p", 1], {"c": "email"}, {"p": "1", "c": "email"}])
def test_a_signed_value_that_is_no_unsubscribe_token_is_a_400(client, world, data):
    from django.core import signing

    token = signing.dumps(data, salt=preferences.UNSUBSCRIBE_SALT, compress=True)
    assert client.get(reverse("notifications:unsubscribe", args=[token])).status_code == 400
