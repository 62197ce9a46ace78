"""Ten sweeps at once on PostgreSQL: SKIP LOCKED hands each due message to exactly one."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from clinic.notifications import sweep
from clinic.notifications.models import (
    Channel,
    DeliveryLog,
    Kind,
    Notification,
    Outcome,
    Status,
)
from tests import factories as f
from tests.concurrency import failures, run_together

SWEEPERS = 10
MESSAGES = 120


def due_messages(world, round_no: int) -> set[str]:
    due = timezone.now() - timedelta(seconds=1)
    rows = Notification.objects.bulk_create(
        Notification(
            clinic=world.home.clinic,
            patient=world.home.patient_a if i % 2 else world.home.patient_b,
            channel=Channel.EMAIL,
            kind=Kind.PROGRAM_REMINDER,
            subject_ref=f"program:{round_no}:{i}",
            due_at=due,
            payload={"link_path": f"/r/{round_no}/{i}/"},
            idempotency_key=uuid.uuid4().hex,
        )
        for i in range(MESSAGES)
    )
    return {row.payload["link_path"] for row in rows}


def run_sweeps_together() -> list[BaseException]:
    # Small batches so the sweepers really interleave over the same rows.
    return failures(run_together(lambda i: sweep.sweep(batch_size=7), SWEEPERS))


@pytest.mark.postgres
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_sweeps_send_each_due_message_exactly_once():
    world = f.World.build()
    for round_no in range(3):
        mail.outbox.clear()
        links = due_messages(world, round_no)
        assert run_sweeps_together() == []
        sent_links = Counter(
            line.rsplit("/r/", 1)[1]
            for message in mail.outbox
            for line in message.body.splitlines()
            if "/r/" in line
        )
        assert len(mail.outbox) == MESSAGES
        assert set(sent_links.values()) == {1}
        assert {f"/r/{link}" for link in sent_links} == links
    assert not Notification.objects.exclude(status=Status.SENT).exists()
    per_message = Counter(
        DeliveryLog.objects.filter(outcome=Outcome.SENT).values_list("notification", flat=True)
    )
    assert len(per_message) == 3 * MESSAGES and set(per_message.values()) == {1}
