"""The sweep: claim due rows in batches, send each through its channel, record each outcome.

A claim is a lease. Claimed rows are "sending" until `lease_expires_at`, a short while ahead,
and a heartbeat thread pushes that forward while the sweep lives, however slow a send is. Each
message's outcome is committed right after its send (see _Recorder), so a worker killed
mid-batch has recorded everything it sent except the one message in flight; once its
lease runs out the next sweep puts the rest back to pending, so a killed worker loses nothing
and re-sends at most that one message (with the same Message-ID, see content.message_id).

Loading a batch costs a fixed handful of queries whatever its size (claim: select + update;
load: one select with joins); recording costs one insert and one update per message.
On PostgreSQL concurrent sweeps skip each other's locked rows; on SQLite writers queue.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.utils import timezone

from . import content, preferences, timing
from .models import DeliveryLog, Notification, Outcome, Status
from .transports import DeliveryError, PermanentDeliveryError, Transport, transport_for

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# Rows claimed by a sweep from before leases were renewed carry no expiry: they keep the
# fixed lease those sweeps counted on.
LEGACY_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)


def lease_length() -> timedelta:
    """How long a claim holds without a heartbeat (the NOTIFICATIONS_LEASE_SECONDS setting)."""
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


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


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about 1, 2, 4, 8 minutes ... at most two hours."""
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() / 4))


def release_expired_claims(*, now: datetime) -> int:
    """Put rows whose lease ran out back to pending: the sweep that claimed them stopped
    renewing it, so it is gone.

    Each expiry counts as an attempt, so a message that kills its worker every time ends
    as failed instead of looping for ever."""
    expired = Q(lease_expires_at__lt=now) | Q(
        lease_expires_at__isnull=True, claimed_at__lt=now - LEGACY_LEASE
    )
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(expired, status=Status.SENDING)
            .values_list("id", "channel", "attempts")
        )
        if not stale:
            return 0
        worn_out = [pk for pk, _, attempts in stale if attempts + 1 >= MAX_ATTEMPTS]
        note = "The sweep that claimed it did not finish."
        released = {
            "claimed_at": None,
            "lease_expires_at": None,
            "attempts": F("attempts") + 1,
            "last_error": note,
            "updated_at": now,
        }
        Notification.objects.filter(id__in=[pk for pk, _, _ in stale]).exclude(
            id__in=worn_out
        ).update(status=Status.PENDING, **released)
        if worn_out:
            Notification.objects.filter(id__in=worn_out).update(status=Status.FAILED, **released)
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
    """Mark up to `size` rows due by `due_by` as ours ("sending", leased for `lease_length()`)
    and load them with what rendering needs. The claim time doubles as the claim's token."""
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
            status=Status.SENDING,
            claimed_at=now,
            lease_expires_at=now + lease_length(),
            updated_at=now,
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


class Heartbeat:
    """Keeps one claim's lease alive from a background thread while the sweep works on it.

    The thread renews every third of the lease, so a slow send never loses the claim to
    another sweep; it dies with the process, so a killed worker's rows come back after one
    lease. Use it as a context manager around the work on the claimed rows."""

    def __init__(self, claimed_at: datetime, lease: timedelta | None = None) -> None:
        self.claimed_at = claimed_at
        self.lease = lease or lease_length()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notification-lease", daemon=True)

    def renew(self) -> int:
        """Push the lease of this claim's unfinished rows forward; how many there were."""
        return Notification.objects.filter(
            status=Status.SENDING, claimed_at=self.claimed_at
        ).update(lease_expires_at=timezone.now() + self.lease)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.lease.total_seconds() / 3):
                try:
                    self.renew()
                except DatabaseError:
                    # The next beat tries again; a lease is long enough to miss one.
                    log.warning("renewing the sweep's lease failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.lease.total_seconds())


class _Recorder:
    """Writes one message's outcome right after the attempt: its delivery log, then its row.

    Two single statements, each its own commit, in this order: a worker killed between them
    leaves a log saying what happened and a row still "sending", which the next sweep after
    the lease takes back and logs as expired, a true history. (One transaction around both
    would cost two more round trips per message for nothing more.)"""

    def __init__(self, claimed_at: datetime, report: SweepReport) -> None:
        self.claimed_at = claimed_at
        self.report = report

    def _write(
        self, row: Notification, outcome: str, *, now: datetime, detail: str = "", **changes
    ) -> None:
        DeliveryLog.objects.create(
            notification=row, channel=row.channel, attempted_at=now, outcome=outcome, detail=detail
        )
        # Only while the claim is still ours: a row whose lease ran out belongs to the
        # sweep that released it.
        Notification.objects.filter(
            pk=row.pk, status=Status.SENDING, claimed_at=self.claimed_at
        ).update(lease_expires_at=None, updated_at=now, **changes)

    def sent(self, row: Notification) -> None:
        now = timezone.now()
        self._write(
            row,
            Outcome.SENT,
            now=now,
            status=Status.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
        )
        self.report.sent += 1

    def skipped(self, row: Notification) -> None:
        self._write(
            row,
            Outcome.SKIPPED,
            now=timezone.now(),
            detail="No consent.",
            status=Status.CANCELLED,
            cancel_reason="The patient has turned this channel off.",
        )
        self.report.skipped += 1

    def deferred(self, row: Notification, later: datetime) -> None:
        self._write(
            row,
            Outcome.DEFERRED,
            now=timezone.now(),
            detail="Quiet hours.",
            status=Status.PENDING,
            due_at=later,
            claimed_at=None,
        )
        self.report.deferred += 1

    def failed(self, row: Notification, error: DeliveryError) -> None:
        now = timezone.now()
        attempts = row.attempts + 1
        detail = str(error)[:2000]
        if error.transient and attempts < MAX_ATTEMPTS:
            outcome, status, due_at = Outcome.RETRY, Status.PENDING, now + backoff(attempts)
            self.report.retried += 1
        else:
            outcome, status, due_at = Outcome.FAILED, Status.FAILED, row.due_at
            self.report.failed += 1
        self._write(
            row,
            outcome,
            now=now,
            detail=detail,
            status=status,
            attempts=attempts,
            last_error=detail,
            due_at=due_at,
            claimed_at=None,
        )


def _deliver_channel(transport: Transport, rows: list[Notification], record: _Recorder) -> None:
    try:
        transport.open()
    except DeliveryError as error:
        for row in rows:
            record.failed(row, error)
        return
    try:
        for row in rows:
            if row.to_patient and not preferences.preference_of(row.patient).allows(row.channel):
                record.skipped(row)
                continue
            later = _after_quiet_hours(row) if row.to_patient else None
            if later is not None:
                record.deferred(row, later)
                continue
            try:
                transport.send(content.message_for(row))
            except DeliveryError as error:
                record.failed(row, error)
            except (TemplateDoesNotExist, KeyError, ValueError) as error:
                record.failed(row, PermanentDeliveryError(f"Could not build the message: {error}"))
            except Exception as error:  # a provider bug must not strand the rest of the batch
                log.exception("sending notification %s failed", row.pk)
                record.failed(row, DeliveryError(repr(error)))
            else:
                # Outside the try: a failure to record a message that went out must not be
                # taken for a failed send and retried.
                record.sent(row)
    finally:
        transport.close()


def _after_quiet_hours(row: Notification) -> datetime | None:
    """When a patient's quiet hours hold this message back (a retry or a changed preference
    can land a row inside them), the moment they end; None when it may go now."""
    preference = preferences.preference_of(row.patient)
    quiet = preferences.quiet_hours_of(preference)
    if quiet is None:
        return None
    now = timezone.now()
    start = row.payload.get("start") if isinstance(row.payload, dict) else None
    not_after = datetime.fromisoformat(start) if start else None
    tz = row.patient.tz
    later = timing.outside_quiet_hours(now, quiet, tz, not_after=not_after)
    return later if later > now else None


def deliver(rows: list[Notification], *, claimed_at: datetime, report: SweepReport) -> None:
    """Send a claimed batch channel by channel, recording each outcome as it happens."""
    record = _Recorder(claimed_at, report)
    for channel, group in groupby(rows, key=lambda row: row.channel):
        group = list(group)
        try:
            transport = transport_for(channel)
        except Exception as error:  # e.g. a misspelt SMS_BACKEND: keep the rows, report it
            log.exception("no transport for %s", channel)
            for row in group:
                record.failed(row, DeliveryError(repr(error)))
            continue
        _deliver_channel(transport, group, record)


@contextmanager
def _commits_without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, let this session's commits return before the disk has them
    (synchronous_commit off, until the sweep ends).

    A commit the server has acknowledged survives the worker being killed; only a crash of
    the database server itself could lose the last fraction of a second of outcomes, and
    those messages would go again. Waiting for the disk after each message instead would cap
    a sweep at one message per disk flush."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            # A broken or aborted session: a fresh connection starts with the default.
            if not connection.in_atomic_block:
                connection.close()


def sweep(
    *, batch_size: int = BATCH_SIZE, max_batches: int | None = None, now: datetime | None = None
) -> SweepReport:
    """Send everything due now; the scheduler and `dispatch_notifications` both call this."""
    # Only what is due when the sweep starts: retries pushed into the future wait their turn.
    now = now or timezone.now()
    report = SweepReport(released=release_expired_claims(now=now))
    with _commits_without_waiting_for_disk():
        while max_batches is None or report.batches < max_batches:
            rows, claimed_at = claim_batch(size=batch_size, due_by=now)
            if not rows:
                break
            report.batches += 1
            with Heartbeat(claimed_at):
                deliver(rows, claimed_at=claimed_at, report=report)
    if report.batches or report.released:
        log.info("notification sweep: %s", report.as_dict())
    return report
