"""The sweep: claim due rows in batches, send each through its channel, record every outcome.

Each batch costs a fixed handful of queries whatever its size: claim (select + update), load
(one select with joins), then one update per outcome and one insert of delivery logs.
On PostgreSQL concurrent sweeps skip each other's locked rows; on SQLite writers queue.
A sweep that dies after claiming leaves rows in "sending"; once the lease runs out the next
sweep puts them back to pending, so a killed worker loses nothing.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.db import transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.utils import timezone

from . import content, services, timing
from .models import DeliveryLog, Notification, Outcome, Status
from .transports import DeliveryError, PermanentDeliveryError, Transport, transport_for

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# Longer than any batch can take (tasks are killed at 300 s), so a live sweep keeps its rows.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)


@dataclass
class SweepReport:
    batches: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    released: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Outcomes:
    sent: list[Notification] = field(default_factory=list)
    skipped: list[Notification] = field(default_factory=list)
    deferred: list[tuple[Notification, datetime]] = field(default_factory=list)
    errors: list[tuple[Notification, DeliveryError]] = field(default_factory=list)
    logs: list[DeliveryLog] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about 1, 2, 4, 8 minutes ... at most two hours."""
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() / 4))


def release_expired_claims(*, now: datetime, lease: timedelta = LEASE) -> int:
    """Put rows claimed longer than `lease` ago back to pending; their sweep is gone.

    Each expiry counts as an attempt, so a message that kills its worker every time ends
    as failed instead of looping for ever."""
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SENDING, claimed_at__lt=now - lease)
            .values_list("id", "channel", "attempts")
        )
        if not stale:
            return 0
        worn_out = [pk for pk, _, attempts in stale if attempts + 1 >= MAX_ATTEMPTS]
        note = "The sweep that claimed it did not finish."
        Notification.objects.filter(id__in=[pk for pk, _, _ in stale]).exclude(
            id__in=worn_out
        ).update(
            status=Status.PENDING,
            claimed_at=None,
            attempts=F("attempts") + 1,
            last_error=note,
            updated_at=now,
        )
        if worn_out:
            Notification.objects.filter(id__in=worn_out).update(
                status=Status.FAILED,
                claimed_at=None,
                attempts=F("attempts") + 1,
                last_error=note,
                updated_at=now,
            )
        DeliveryLog.objects.bulk_create(
            DeliveryLog(
                notification_id=pk,
                channel=channel,
                attempted_at=now,
                outcome=Outcome.FAILED if pk in worn_out else Outcome.LEASE_EXPIRED,
                detail=note,
            )
            for pk, channel, _ in stale
        )
    return len(stale)


def claim_batch(*, size: int, due_by: datetime) -> tuple[list[Notification], datetime]:
    """Mark up to `size` rows due by `due_by` as ours ("sending") and load them with what
    rendering needs. The claim time doubles as the claim's token."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, due_at__lte=due_by)
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return [], now
        Notification.objects.filter(id__in=ids).update(
            status=Status.SENDING, claimed_at=now, updated_at=now
        )
    rows = list(
        Notification.objects.filter(id__in=ids, status=Status.SENDING, claimed_at=now)
        .select_related(
            "clinic",
            "patient__clinic",
            "patient__notification_preference",
            "recipient_user",
        )
        .order_by("channel", "due_at")
    )
    return rows, now


def _deliver_channel(transport: Transport, rows: list[Notification], outcomes: _Outcomes) -> None:
    try:
        transport.open()
    except DeliveryError as error:
        outcomes.errors.extend((row, error) for row in rows)
        return
    try:
        for row in rows:
            if row.to_patient and not services.preference_of(row.patient).allows(row.channel):
                outcomes.skipped.append(row)
                continue
            later = _after_quiet_hours(row) if row.to_patient else None
            if later is not None:
                outcomes.deferred.append((row, later))
                continue
            try:
                transport.send(content.message_for(row))
            except DeliveryError as error:
                outcomes.errors.append((row, error))
            except (TemplateDoesNotExist, KeyError, ValueError) as error:
                outcomes.errors.append(
                    (row, PermanentDeliveryError(f"Could not build the message: {error}"))
                )
            except Exception as error:  # a provider bug must not strand the rest of the batch
                log.exception("sending notification %s failed", row.pk)
                outcomes.errors.append((row, DeliveryError(repr(error))))
            else:
                outcomes.sent.append(row)
    finally:
        transport.close()


def _after_quiet_hours(row: Notification) -> datetime | None:
    """When a patient's quiet hours hold this message back (a retry or a changed preference
    can land a row inside them), the moment they end; None when it may go now."""
    preference = services.preference_of(row.patient)
    quiet = services.quiet_hours_of(preference)
    if quiet is None:
        return None
    now = timezone.now()
    start = row.payload.get("start") if isinstance(row.payload, dict) else None
    not_after = datetime.fromisoformat(start) if start else None
    tz = services.patient_time_zone(row.patient, preference)
    later = timing.outside_quiet_hours(now, quiet, tz, not_after=not_after)
    return later if later > now else None


def _record(outcomes: _Outcomes, claimed_at: datetime) -> None:
    """Write every outcome of a batch in a few statements, in one transaction."""
    now = timezone.now()
    logs = []
    with transaction.atomic():
        if outcomes.sent:
            Notification.objects.filter(
                id__in=[row.pk for row in outcomes.sent],
                status=Status.SENDING,
                claimed_at=claimed_at,
            ).update(
                status=Status.SENT,
                sent_at=now,
                attempts=F("attempts") + 1,
                last_error="",
                updated_at=now,
            )
            logs += [DeliveryLog(notification=row, outcome=Outcome.SENT) for row in outcomes.sent]
        if outcomes.skipped:
            Notification.objects.filter(
                id__in=[row.pk for row in outcomes.skipped], status=Status.SENDING
            ).update(
                status=Status.CANCELLED,
                cancel_reason="The patient has turned this channel off.",
                updated_at=now,
            )
            logs += [
                DeliveryLog(notification=row, outcome=Outcome.SKIPPED, detail="No consent.")
                for row in outcomes.skipped
            ]
        changed = []
        for row, later in outcomes.deferred:
            row.status = Status.PENDING
            row.due_at = later
            row.claimed_at = None
            row.updated_at = now
            changed.append(row)
            logs.append(
                DeliveryLog(notification=row, outcome=Outcome.DEFERRED, detail="Quiet hours.")
            )
        for row, error in outcomes.errors:
            row.attempts += 1
            row.last_error = str(error)[:2000]
            row.claimed_at = None
            row.updated_at = now
            if error.transient and row.attempts < MAX_ATTEMPTS:
                row.status = Status.PENDING
                row.due_at = now + backoff(row.attempts)
                outcome = Outcome.RETRY
            else:
                row.status = Status.FAILED
                outcome = Outcome.FAILED
            changed.append(row)
            logs.append(DeliveryLog(notification=row, outcome=outcome, detail=row.last_error))
        if changed:
            Notification.objects.bulk_update(
                changed, ["status", "attempts", "last_error", "claimed_at", "due_at", "updated_at"]
            )
        for entry in logs:
            entry.channel = entry.notification.channel
            entry.attempted_at = now
        DeliveryLog.objects.bulk_create(logs)


def deliver(rows: list[Notification], *, claimed_at: datetime, report: SweepReport) -> None:
    outcomes = _Outcomes()
    for channel, group in groupby(rows, key=lambda row: row.channel):
        group = list(group)
        try:
            transport = transport_for(channel)
        except Exception as error:  # e.g. a misspelt SMS_BACKEND: keep the rows, report it
            log.exception("no transport for %s", channel)
            outcomes.errors.extend((row, DeliveryError(repr(error))) for row in group)
            continue
        _deliver_channel(transport, group, outcomes)
    _record(outcomes, claimed_at)
    report.sent += len(outcomes.sent)
    report.skipped += len(outcomes.skipped)
    report.deferred += len(outcomes.deferred)
    for row, _ in outcomes.errors:
        if row.status == Status.FAILED:
            report.failed += 1
        else:
            report.retried += 1


def sweep(
    *, batch_size: int = BATCH_SIZE, max_batches: int | None = None, now: datetime | None = None
) -> SweepReport:
    """Send everything due now; the scheduler and `dispatch_notifications` both call this."""
    # Only what is due when the sweep starts: retries pushed into the future wait their turn.
    now = now or timezone.now()
    report = SweepReport(released=release_expired_claims(now=now))
    while max_batches is None or report.batches < max_batches:
        rows, claimed_at = claim_batch(size=batch_size, due_by=now)
        if not rows:
            break
        report.batches += 1
        deliver(rows, claimed_at=claimed_at, report=report)
    if report.batches or report.released:
        log.info("notification sweep: %s", report.as_dict())
    return report
