"""A Celery worker killed with SIGKILL mid-sweep: every message still arrives, at most one twice.

Real processes all the way: `celery -A clinic.site worker` subprocesses on the Redis broker and
the test's PostgreSQL database, sending over SMTP to a sink that takes a while per message so
the kill lands in the middle of the batch. The workers run with a 3-second lease so the test
stays short; what it shows is that the dead worker's messages wait one lease, not ten minutes.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from clinic.notifications import content
from clinic.notifications.models import Channel, DeliveryLog, Kind, Notification, Outcome, Status
from clinic.notifications.tasks import dispatch_due
from clinic.site.celery import app
from tests import factories as f
from tests.smtp_support import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_clock,  # the workers are other processes, on the machine's clock
    pytest.mark.django_db(transaction=True),
]

MESSAGES = 60
SECONDS_PER_MESSAGE = 0.1  # at the sink: 60 messages take six seconds or more
KILL_AFTER = 15  # messages received when the first worker is killed
LEASE_SECONDS = 3


class SlowInbox:
    """An SMTP sink that takes its time over each message and notes its Message-ID once it
    has accepted it."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SECONDS_PER_MESSAGE)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted"


def database_url_of_the_tests() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Celery worker processes on one queue of their own; each in its own process group, so a
    kill takes the main process and its pool child together, as an OOM kill or a lost
    container would."""

    def __init__(self, smtp_port: int, logs: Path) -> None:
        self.queue = f"sweep-crash-{uuid.uuid4().hex[:8]}"
        self.logs = logs
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": database_url_of_the_tests(),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SITE_URL": settings.SITE_URL,
            "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS),
        }

    def start(self) -> subprocess.Popen:
        number = len(self.processes) + 1
        log = (self.logs / f"worker-{number}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clinic.site", "worker"]
            + ["--pool=prefork", "--concurrency=1", "-Q", self.queue]
            + [f"--hostname={self.queue}-{number}@%h", "--loglevel=INFO"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def sweep(self) -> None:
        dispatch_due.apply_async(queue=self.queue, ignore_result=True, expires=60)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                continue
            process.terminate()  # the main process: a warm shutdown
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(process)
        self._forget_queue()

    def _forget_queue(self) -> None:
        """Leave the broker as it was: the queue and what was still waiting in it, the
        workers' remote-control mailboxes, and the dead worker's unacknowledged task, which
        the broker would otherwise hand out again in an hour. Only names carrying this
        run's queue name are touched."""
        with app.connection_for_write() as broker:
            channel = broker.default_channel
            client = channel.client
            mark = self.queue.encode()
            for key in client.scan_iter(match=f"*{self.queue}*"):
                client.delete(key)
            for key in client.scan_iter(match="_kombu.binding*"):
                if client.type(key) == b"set":
                    ours = [member for member in client.smembers(key) if mark in member]
                    if ours:
                        client.srem(key, *ours)
            for tag, raw in client.hgetall(channel.unacked_key).items():
                if json.loads(raw)[2] == self.queue:
                    client.hdel(channel.unacked_key, tag)
                    client.zrem(channel.unacked_index_key, tag)

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(self.logs.iterdir())
        )


def wait_for(condition, *, seconds: float, what: str, workers: Workers, every=None) -> None:
    """Poll `condition` until it holds; call `every` (if given) every two seconds meanwhile."""
    deadline = time.monotonic() + seconds
    last_call = float("-inf")
    while not condition():
        now = time.monotonic()
        if now > deadline:
            raise AssertionError(f"gave up waiting for {what}\n{workers.output()}")
        if every is not None and now - last_call >= 2:
            every()
            last_call = now
        time.sleep(0.2)


def due_messages(world) -> list[Notification]:
    due = timezone.now() - timedelta(minutes=1)
    return Notification.objects.bulk_create(
        Notification(
            clinic=world.home.clinic,
            patient=world.home.patient_a if i % 2 else world.home.patient_b,
            channel=Channel.EMAIL,
            kind=Kind.PROGRAM_REMINDER,
            subject_ref=f"program:{i}",
            due_at=due,
            payload={"link_path": f"/r/{i}/"},
            idempotency_key=uuid.uuid4().hex,
        )
        for i in range(MESSAGES)
    )


def sent_ids() -> set[str]:
    rows = Notification.objects.filter(status=Status.SENT)
    return {content.message_id(row) for row in rows}


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_at_most_one_twice(tmp_path):
    world = f.World.build()
    expected = {content.message_id(row) for row in due_messages(world)}
    inbox = SlowInbox()
    sink = Controller(inbox, hostname="127.0.0.1", port=free_port())
    sink.start()
    workers = Workers(sink.port, tmp_path)
    try:
        first = workers.start()
        workers.sweep()
        wait_for(
            lambda: len(inbox.message_ids) >= KILL_AFTER,
            seconds=40,
            what=f"{KILL_AFTER} messages from the first worker",
            workers=workers,
        )
        workers.kill(first)
        time.sleep(2 * SECONDS_PER_MESSAGE)  # the message in flight, if the sink took it

        received = set(inbox.message_ids)
        recorded = sent_ids()
        assert KILL_AFTER <= len(received) < MESSAGES, "the kill did not land mid-sweep"
        # Each outcome was written as its message went: all but the one in flight.
        assert recorded <= received
        assert len(received - recorded) <= 1, received - recorded
        held = list(Notification.objects.filter(status=Status.SENDING))
        assert len(held) == MESSAGES - len(recorded)
        # The dead sweep's heartbeat had pushed its lease past the first one while it lived.
        lease = timedelta(seconds=LEASE_SECONDS)
        assert all(row.lease_expires_at > row.claimed_at + lease for row in held)

        # A new worker, sweeping as the beat would (every minute, here more often): the dead
        # worker's messages go after one short lease, not the ten minutes they used to wait.
        workers.start()
        wait_for(
            lambda: sent_ids() == expected,
            seconds=LEASE_SECONDS + 40,
            what="every message to be sent",
            workers=workers,
            every=workers.sweep,
        )
        time.sleep(2 * SECONDS_PER_MESSAGE)
    finally:
        workers.stop_all()
        sink.stop()

    copies = Counter(inbox.message_ids)
    assert set(copies) == expected
    assert sum(copies.values()) - MESSAGES <= 1, [mid for mid, n in copies.items() if n > 1]
    released = DeliveryLog.objects.filter(outcome=Outcome.LEASE_EXPIRED).count()
    assert released == MESSAGES - len(recorded)
    per_row = Counter(
        DeliveryLog.objects.filter(outcome=Outcome.SENT).values_list("notification", flat=True)
    )
    # One "sent" log per row; two for the one in flight if the kill fell between its log and
    # its row, and then it was indeed sent twice.
    assert len(per_row) == MESSAGES and sum(per_row.values()) - MESSAGES <= 1
