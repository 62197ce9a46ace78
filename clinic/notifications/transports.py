"""Channels: one small class per channel behind one `send(message)`; SMS back ends plug in."""

from __future__ import annotations

import json
import logging
import smtplib
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


@dataclass
class OutgoingMessage:
    """Everything a transport needs, already rendered; nothing here touches the database."""

    channel: str
    to: str
    subject: str
    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


class DeliveryError(Exception):
    """A send failed. `transient` ones are retried later; the others are final."""

    transient = True


class PermanentDeliveryError(DeliveryError):
    transient = False


class Transport:
    """Base of the channels: open once per batch, `send` each message, then `close`."""

    channel: str

    def open(self) -> None:
        """Prepare a connection to reuse for a batch."""

    def close(self) -> None:
        """Release the batch's connection."""

    def send(self, message: OutgoingMessage) -> None:
        raise NotImplementedError

    def __enter__(self) -> Transport:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class EmailTransport(Transport):
    """E-mail through Django's e-mail framework (EMAIL_URL / EMAIL_BACKEND)."""

    channel = Channel.EMAIL

    def __init__(self) -> None:
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection()
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as error:
            self.connection = None
            raise DeliveryError(f"Could not reach the mail server: {error}") from error

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (OSError, smtplib.SMTPException):
                log.warning("closing the mail connection failed", exc_info=True)
            self.connection = None

    def send(self, message: OutgoingMessage) -> None:
        if not message.to:
            raise PermanentDeliveryError("No e-mail address on record.")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            to=[message.to],
            headers=message.headers,
            connection=self.connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for attachment in message.attachments:
            email.attach(attachment.filename, attachment.content, attachment.mimetype)
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError(f"The address was refused: {error}") from error
        except smtplib.SMTPResponseException as error:
            # 5xx replies are final (bad address, policy); 4xx ask us to try again.
            if 500 <= error.smtp_code < 600:
                raise PermanentDeliveryError(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise DeliveryError(f"{error.smtp_code} {error.smtp_error!r}") from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            # The connection may be dead; let the next message start a fresh one.
            self.close()
            self.open_quietly()
            raise DeliveryError(str(error) or error.__class__.__name__) from error

    def open_quietly(self) -> None:
        try:
            self.open()
        except DeliveryError:
            log.warning("could not reopen the mail connection", exc_info=True)


class SmsBackend:
    """Interface of SMS providers: deliver one text to one number or raise DeliveryError."""

    def send_text(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Prints texts to standard output, like Django's console e-mail backend."""

    def send_text(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")
        sys.stdout.flush()


class FileSmsBackend(SmsBackend):
    """Appends each text as one JSON line to SMS_FILE_PATH (default var/sms.jsonl)."""

    lock = threading.Lock()

    def __init__(self) -> None:
        default = Path(settings.BASE_DIR) / "var" / "sms.jsonl"
        self.path = Path(getattr(settings, "SMS_FILE_PATH", default))

    def send_text(self, *, to: str, body: str) -> None:
        line = json.dumps({"to": to, "body": body, "at": timezone.now().isoformat()})
        with self.lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


class LocmemSmsBackend(SmsBackend):
    """Keeps texts in `LocmemSmsBackend.outbox`, for tests."""

    outbox: list[dict[str, str]] = []

    def send_text(self, *, to: str, body: str) -> None:
        self.outbox.append({"to": to, "body": body})


class SmsTransport(Transport):
    """SMS through the back end named by the SMS_BACKEND setting."""

    channel = Channel.SMS

    def __init__(self, backend: SmsBackend | None = None) -> None:
        self.backend = backend or import_string(settings.SMS_BACKEND)()

    def send(self, message: OutgoingMessage) -> None:
        if not message.to:
            raise PermanentDeliveryError("No mobile number on record.")
        self.backend.send_text(to=message.to, body=message.text)


TRANSPORTS: dict[str, type[Transport]] = {
    Channel.EMAIL: EmailTransport,
    Channel.SMS: SmsTransport,
}


def transport_for(channel: str) -> Transport:
    return TRANSPORTS[channel]()
