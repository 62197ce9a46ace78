"""Channels: one small class per channel behind one `send(message)`; SMS providers plug in."""

from __future__ import annotations

import json
import logging
import smtplib
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from clinic.phones import is_e164

from .models import Channel

if TYPE_CHECKING:
    from twilio.http import HttpClient

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

    @classmethod
    def is_configured(cls) -> bool:
        """Whether the settings this back end needs are given; texts are offered only then."""
        return True

    def send_text(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Prints texts to standard output, like Django's console e-mail backend. Development only:
    the production settings refuse it, since a printed text would be recorded as sent."""

    def send_text(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")
        sys.stdout.flush()


class FileSmsBackend(SmsBackend):
    """Appends each text as one JSON line to SMS_FILE_PATH (default var/sms.jsonl).
    Development only, like the console back end."""

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


# Twilio error codes whose own message does not say what to do about them.
TWILIO_REASONS = {
    21211: "Twilio says the number is not a valid phone number.",
    21408: "The Twilio account may not send texts to this country (its geographic permissions).",
    21610: "The patient replied STOP to this clinic's texts; they get none until they reply START.",
    21612: "Twilio cannot send texts from this sender to this number.",
    21614: "The number cannot receive texts (not a mobile number).",
    21606: "TWILIO_FROM_NUMBER cannot send texts; use one of the account's SMS numbers.",
    21659: "TWILIO_FROM_NUMBER is not one of the Twilio account's numbers.",
}
# Statuses a message can already have in Twilio's answer to its creation.
TWILIO_FAILED_STATUSES = frozenset({"failed", "undelivered", "canceled"})


def twilio_delivery_error(error) -> DeliveryError:
    """Twilio's refusal as a DeliveryError: its server trouble and rate limit are retried, a
    refused account too (someone can fix the settings); any other refusal is final."""
    status = int(getattr(error, "status", 0) or 0)
    code = getattr(error, "code", None)
    said = getattr(error, "msg", "") or getattr(error, "detail", "") or getattr(error, "title", "")
    said = str(said).removeprefix("Unable to create record: ")  # twilio's own wrapping
    reason = TWILIO_REASONS.get(code, said or "no reason given")
    text = f"Twilio refused the text (HTTP {status}, error {code}): {reason}"
    if status == 401:
        return DeliveryError(
            f"Twilio refused the account (HTTP 401, error {code}): check TWILIO_ACCOUNT_SID "
            "and TWILIO_AUTH_TOKEN."
        )
    if status == 429 or status >= 500:
        return DeliveryError(text)
    return PermanentDeliveryError(text)


class TwilioSmsBackend(SmsBackend):
    """Texts through Twilio's Messages API, from TWILIO_FROM_NUMBER or through the messaging
    service TWILIO_MESSAGING_SERVICE_SID (which then picks the sender)."""

    @classmethod
    def is_configured(cls) -> bool:
        return bool(
            settings.TWILIO_ACCOUNT_SID
            and settings.TWILIO_AUTH_TOKEN
            and (settings.TWILIO_FROM_NUMBER or settings.TWILIO_MESSAGING_SERVICE_SID)
        )

    def __init__(self) -> None:
        from twilio.rest import Client

        if not self.is_configured():
            raise ImproperlyConfigured(
                "Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER "
                "or TWILIO_MESSAGING_SERVICE_SID."
            )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=self.http_client(),
        )
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            self.sender = {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        else:
            self.sender = {"from_": settings.TWILIO_FROM_NUMBER}

    @staticmethod
    def http_client() -> HttpClient:
        timeout = settings.TWILIO_TIMEOUT_SECONDS
        if settings.TWILIO_HTTP_CLIENT:
            return import_string(settings.TWILIO_HTTP_CLIENT)(timeout=timeout)
        from twilio.http.http_client import TwilioHttpClient

        return TwilioHttpClient(timeout=timeout)

    def send_text(self, *, to: str, body: str) -> None:
        from requests import RequestException
        from twilio.base.exceptions import (
            TwilioException,
            TwilioRestException,
            TwilioServiceException,
        )

        try:
            message = self.client.messages.create(to=to, body=body, **self.sender)
        except (TwilioRestException, TwilioServiceException) as error:
            raise twilio_delivery_error(error) from error
        except RequestException as error:
            # Timeouts and refused connections: Twilio may be back in a minute.
            raise DeliveryError(f"Could not reach Twilio: {error.__class__.__name__}") from error
        except TwilioException as error:
            raise DeliveryError(f"Twilio: {error}") from error
        if message.status in TWILIO_FAILED_STATUSES:
            raise PermanentDeliveryError(
                f"Twilio did not send the text (status {message.status}, error "
                f"{message.error_code}): {message.error_message or 'no reason given'}"
            )


NO_SMS_PROVIDER = "Texts are not set up: no SMS provider is configured, so nothing was sent."


def sms_backend() -> SmsBackend | None:
    """The configured SMS back end, or None when SMS_BACKEND is blank. A misspelt back end or
    a provider without its settings raises, so the sweep keeps the texts for a retry."""
    if not settings.SMS_BACKEND:
        return None
    return import_string(settings.SMS_BACKEND)()


def sms_available() -> bool:
    """Whether texts can go out at all: a back end is named and has its settings. Patients are
    offered texts only then."""
    if not settings.SMS_BACKEND:
        return False
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError:
        return False
    is_configured = getattr(backend, "is_configured", None)
    return is_configured() if is_configured else True


class SmsTransport(Transport):
    """SMS through the back end named by the SMS_BACKEND setting. It only ever sends to a
    valid E.164 number, and with no back end every text fails instead of passing as sent."""

    channel = Channel.SMS

    def __init__(self, backend: SmsBackend | None = None) -> None:
        self.backend = backend if backend is not None else sms_backend()

    def open(self) -> None:
        if self.backend is None:
            raise PermanentDeliveryError(NO_SMS_PROVIDER)

    def send(self, message: OutgoingMessage) -> None:
        if self.backend is None:
            raise PermanentDeliveryError(NO_SMS_PROVIDER)
        if not message.to:
            raise PermanentDeliveryError("No mobile number on record.")
        if not is_e164(message.to):
            raise PermanentDeliveryError(
                "The phone number on record is not a valid number; correct it on the "
                "patient's page."
            )
        self.backend.send_text(to=message.to, body=message.text)


TRANSPORTS: dict[str, type[Transport]] = {
    Channel.EMAIL: EmailTransport,
    Channel.SMS: SmsTransport,
}


def transport_for(channel: str) -> Transport:
    return TRANSPORTS[channel]()
