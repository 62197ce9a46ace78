"""A sweep that dies mid-batch: what it sent is on record, a re-sent e-mail keeps its
Message-ID, and a short lease that a live sweep renews decides who may take its rows."""

import smtplib
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from clinic.notifications import content, sweep
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    DeliveryLog,
    Kind,
    Notification,
    Outcome,
    Status,
)
from tests import factories as f


def due_messages(world, count: int, channel: str = Channel.EMAIL, ago=timedelta(minutes=1)):
    """`count` program reminders to Ada and Ben, due `ago`, oldest first."""
    if channel == Channel.SMS:
        for patient in (world.home.patient_a, world.home.patient_b):
            patient.phone = "+14105550100"
            patient.save()
            ChannelPreference.objects.create(patient=patient, sms_enabled=True)
    due = timezone.now() - ago
    return Notification.objects.bulk_create(
        Notification(
            clinic=world.home.clinic,
            patient=world.home.patient_a if i % 2 else world.home.patient_b,
            channel=channel,
            kind=Kind.PROGRAM_REMINDER,
            subject_ref=f"program:{i}",
            due_at=due + timedelta(seconds=i),
            payload={"link_path": f"/r/{i}/"},
            idempotency_key=uuid.uuid4().hex,
        )
        for i in range(count)
    )


def message_ids(messages) -> Counter:
    """How often each Message-ID went out, as written on the wire."""
    return Counter(message.message()["Message-ID"] for message in messages)


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing in the sweep may catch it or write anything after it."""


class DiesAfterThirdEmail(locmem.EmailBackend):
    """Hands the third message over, then the worker dies before it can note that."""

    def send_messages(self, messages):
        count = super().send_messages(messages)
        if len(mail.outbox) == 3:
            raise WorkerKilled
        return count


def test_a_sweep_killed_mid_batch_has_recorded_all_it_sent_but_the_message_in_flight(
    world, settings
):
    rows = due_messages(world, 6)
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterThirdEmail"
    with pytest.raises(WorkerKilled):
        sweep.sweep()

    assert len(mail.outbox) == 3
    recorded = Notification.objects.filter(status=Status.SENT)
    assert {content.message_id(row) for row in recorded} == set(message_ids(mail.outbox[:2]))
    assert DeliveryLog.objects.filter(outcome=Outcome.SENT).count() == 2
    # The one in flight and the three never tried are still the dead sweep's.
    assert Notification.objects.filter(status=Status.SENDING).count() == 4

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = sweep.sweep(now=timezone.now() + sweep.lease_length() + timedelta(seconds=1))

    assert (report.released, report.sent) == (4, 4)
    sent = message_ids(mail.outbox)
    assert set(sent) == {content.message_id(row) for row in rows}
    assert sorted(sent.values()) == [1, 1, 1, 1, 1, 2]
    assert not Notification.objects.exclude(status=Status.SENT).exists()


class DropsTheFirstConnection(locmem.EmailBackend):
    """The mail server hangs up on the first message; every message offered is kept."""

    offered: list = []

    def send_messages(self, messages):
        self.offered.extend(messages)
        if len(self.offered) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_an_email_sent_again_keeps_its_message_id(world, settings):
    (row,) = due_messages(world, 1)
    settings.EMAIL_BACKEND = f"{__name__}.DropsTheFirstConnection"
    DropsTheFirstConnection.offered.clear()

    assert sweep.sweep().retried == 1
    assert sweep.sweep(now=timezone.now() + timedelta(days=1)).sent == 1

    first, second = DropsTheFirstConnection.offered
    expected = f"<notification-{row.pk}@groundwork.example>"
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == expected
    assert [message.message()["Message-ID"] for message in mail.outbox] == [expected]


def test_the_message_id_names_the_host_without_a_port(world, settings):
    (row,) = due_messages(world, 1)
    settings.SITE_URL = "http://127.0.0.1:8000/"
    assert content.message_id(row) == f"<notification-{row.pk}@127.0.0.1>"


def test_the_lease_is_short_and_a_renewal_pushes_it_forward(world):
    assert sweep.lease_length() <= timedelta(minutes=1)
    (row,) = due_messages(world, 1)
    rows, claimed_at = sweep.claim_batch(size=10, due_by=timezone.now())
    assert [claimed.pk for claimed in rows] == [row.pk]
    first_expiry = Notification.objects.get(pk=row.pk).lease_expires_at
    assert first_expiry == claimed_at + sweep.lease_length()

    time.sleep(0.01)
    assert sweep.Heartbeat(claimed_at).renew() == 1
    renewed = Notification.objects.get(pk=row.pk).lease_expires_at
    assert renewed > first_expiry
    # Another sweep just after the first expiry finds the claim alive ...
    assert sweep.release_expired_claims(now=first_expiry + timedelta(milliseconds=5)) == 0
    # ... and one after the renewed expiry, with no beat since, takes the row back.
    assert sweep.release_expired_claims(now=renewed + timedelta(seconds=1)) == 1
    released = Notification.objects.get(pk=row.pk)
    assert (released.status, released.lease_expires_at, released.attempts) == (
        Status.PENDING,
        None,
        1,
    )


def test_a_renewal_leaves_finished_rows_and_other_claims_alone(world):
    ours, theirs = due_messages(world, 2)
    _, our_claim = sweep.claim_batch(size=1, due_by=timezone.now())
    _, their_claim = sweep.claim_batch(size=1, due_by=timezone.now())
    Notification.objects.filter(pk=ours.pk).update(status=Status.SENT, lease_expires_at=None)
    assert sweep.Heartbeat(our_claim).renew() == 0
    assert Notification.objects.get(pk=ours.pk).lease_expires_at is None
    assert Notification.objects.get(pk=theirs.pk).lease_expires_at == (
        their_claim + sweep.lease_length()
    )


def test_rows_claimed_before_leases_were_renewed_keep_the_old_ten_minutes(world):
    (row,) = due_messages(world, 1)
    claimed = timezone.now() - timedelta(minutes=5)
    Notification.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=claimed)
    assert sweep.release_expired_claims(now=timezone.now()) == 0
    assert sweep.release_expired_claims(now=claimed + timedelta(minutes=11)) == 1


class SlowSms:
    """A provider that takes three leases to answer; halfway, another sweep looks for
    claims whose sweep has died and takes them back."""

    releases: list[int] = []

    def send_text(self, *, to, body):
        time.sleep(1.5 * sweep.lease_length().total_seconds())
        SlowSms.releases.append(sweep.release_expired_claims(now=timezone.now()))
        time.sleep(1.5 * sweep.lease_length().total_seconds())


@pytest.mark.postgres  # two connections writing at once: SQLite's in-memory test database locks
@pytest.mark.django_db(transaction=True)
def test_a_live_sweep_keeps_its_claim_through_a_slow_send_and_a_dead_one_loses_it(settings):
    world = f.World.build()
    settings.NOTIFICATIONS_LEASE_SECONDS = 1
    settings.SMS_BACKEND = f"{__name__}.SlowSms"
    SlowSms.releases.clear()
    dead, alive = due_messages(world, 2, Channel.SMS)
    sweep.claim_batch(size=1, due_by=timezone.now())  # the oldest; its worker dies at once

    report = sweep.sweep(max_batches=1)

    assert report.sent == 1
    assert SlowSms.releases == [1]  # the dead claim, not the one being sent
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == (Status.PENDING, Status.SENT)
    assert list(DeliveryLog.objects.values_list("notification", "outcome").order_by("id")) == [
        (dead.pk, Outcome.LEASE_EXPIRED),
        (alive.pk, Outcome.SENT),
    ]
