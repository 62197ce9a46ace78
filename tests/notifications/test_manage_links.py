"""A booking's manage link is a credential: messages carry a freshly signed one, but no
notification row (nor the admin's view of it) keeps it."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from clinic.booking import notices
from clinic.booking import services as booking
from clinic.notifications import sweep
from clinic.notifications.models import Kind, Notification
from tests.notifications.conftest import book

pytestmark = pytest.mark.django_db


def test_messages_carry_a_working_manage_link_that_no_row_keeps(
    client, admin_client, world, in_three_days
):
    appointment = book(world.home, start=in_three_days)
    notices.appointment_booked_notify(appointment=appointment)
    rows = Notification.objects.filter(patient=appointment.patient)
    assert rows.filter(kind=Kind.BOOKING_CONFIRMATION).exists()
    assert not [row for row in rows if "manage_url" in row.payload or "/book/" in str(row.payload)]

    sweep.sweep()
    (confirmation,) = [m for m in mail.outbox if m.to == [appointment.patient.email]]
    prefix = "https://groundwork.example/book/manage/"
    link = next(word for word in confirmation.body.split() if word.startswith(prefix))
    token = link.removeprefix(prefix).rstrip("/")
    assert booking.appointment_from_token(token) == appointment
    calendar = confirmation.attachments[0][1].replace("\r\n ", "")
    assert "/book/manage/" in calendar
    assert client.get(reverse("booking_manage", args=[token])).status_code == 200

    row = rows.get(kind=Kind.BOOKING_CONFIRMATION)
    page = admin_client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert token not in page.content.decode() and "/book/manage/" not in page.content.decode()


def test_the_migration_drops_the_links_rows_already_hold(world, in_three_days):
    appointment = book(world.home, start=in_three_days)
    notices.appointment_booked_notify(appointment=appointment)
    link = booking.manage_url(appointment)
    rows = Notification.objects.filter(patient=appointment.patient)
    for row in rows:
        row.payload = {**row.payload, "manage_url": link}
        row.save(update_fields=["payload"])
    before = {row.pk: row.payload for row in rows}

    migration = import_module("clinic.notifications.migrations.0003_manage_links_out_of_payloads")
    migration.drop_manage_links(apps, None)

    for row in Notification.objects.filter(pk__in=before):
        expected = {k: v for k, v in before[row.pk].items() if k != "manage_url"}
        assert row.payload == expected
