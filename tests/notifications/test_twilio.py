"""Texts through Twilio, faked at its HTTP client: what is sent (to, from, body) and what a
refusal, an outage or a slow network leaves on the notification row."""

import json
import logging
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from twilio.http import HttpClient
from twilio.http.response import Response

from clinic.models import Patient
from clinic.notifications import services, sweep
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    DeliveryLog,
    Kind,
    Outcome,
    Status,
)
from clinic.notifications.transports import sms_available

pytestmark = pytest.mark.django_db

ACCOUNT = "AC" + "1" * 32
SENDER = "+14105559999"
PATIENT_PHONE = "+14105550100"


class FakeTwilioHttp(HttpClient):
    """Twilio's HTTP client, minus the network: keeps every request and answers with what the
    test queued (a Response or an exception), by default Twilio's 201 for a queued text."""

    sent: list[dict] = []
    answers: list = []

    def __init__(self, timeout=None):
        super().__init__(logging.getLogger("tests.twilio"), is_async=False, timeout=timeout)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, **kwargs):
        self.sent.append(
            {"method": method, "url": url, "data": data, "auth": auth, "timeout": self.timeout}
        )
        answer = self.answers.pop(0) if self.answers else queued(data)
        if isinstance(answer, Exception):
            raise answer
        return answer


def queued(data) -> Response:
    body = {"sid": "SM" + "2" * 32, "status": "queued", "to": data["To"], "body": data["Body"]}
    return Response(201, json.dumps({**body, "error_code": None, "error_message": None}))


def refusal(status: int, code: int, message: str) -> Response:
    return Response(status, json.dumps({"code": code, "message": message, "status": status}))


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "clinic.notifications.transports.TwilioSmsBackend"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = SENDER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_TIMEOUT_SECONDS = 7
    settings.TWILIO_HTTP_CLIENT = f"{__name__}.FakeTwilioHttp"
    FakeTwilioHttp.sent.clear()
    FakeTwilioHttp.answers.clear()
    yield FakeTwilioHttp
    FakeTwilioHttp.sent.clear()
    FakeTwilioHttp.answers.clear()


@pytest.fixture
def text_due(world):
    """A home-program reminder by text to Ada, due now; she takes texts only."""
    patient = world.home.patient_a
    patient.phone = PATIENT_PHONE
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True, email_enabled=False)
    return services.notification_schedule(
        clinic=world.home.clinic,
        kind=Kind.PROGRAM_REMINDER,
        channel=Channel.SMS,
        due_at=timezone.now() - timedelta(seconds=1),
        subject="program:1",
        patient=patient,
    )


def test_a_due_text_is_posted_to_twilio_with_number_sender_and_words(twilio, text_due):
    report = sweep.sweep()
    (request,) = twilio.sent
    assert request["method"] == "POST"
    assert request["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["auth"] == (ACCOUNT, "secret-token")
    assert request["timeout"] == 7
    assert request["data"]["To"] == PATIENT_PHONE
    assert request["data"]["From"] == SENDER
    assert "MessagingServiceSid" not in request["data"]
    assert "Home Clinic" in request["data"]["Body"]
    assert "https://groundwork.example/notifications/unsubscribe/" in request["data"]["Body"]
    text_due.refresh_from_db()
    assert (report.sent, text_due.status, text_due.last_error) == (1, Status.SENT, "")


def test_a_messaging_service_picks_the_sender_itself(twilio, text_due, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "3" * 32
    sweep.sweep()
    (request,) = twilio.sent
    assert request["data"]["MessagingServiceSid"] == "MG" + "3" * 32
    assert "From" not in request["data"]


def test_a_number_twilio_refuses_is_a_failed_delivery_with_the_reason(twilio, text_due):
    twilio.answers.append(
        refusal(400, 21211, f"The 'To' number {PATIENT_PHONE} is not a valid phone number.")
    )
    report = sweep.sweep()
    text_due.refresh_from_db()
    assert (report.sent, report.failed) == (0, 1)
    assert (text_due.status, text_due.attempts) == (Status.FAILED, 1)
    assert text_due.sent_at is None
    assert text_due.last_error == (
        "Twilio refused the text (HTTP 400, error 21211): "
        "Twilio says the number is not a valid phone number."
    )
    log = DeliveryLog.objects.get(notification=text_due)
    assert (log.outcome, log.detail) == (Outcome.FAILED, text_due.last_error)


def test_a_patient_who_replied_stop_is_a_failure_that_says_so(twilio, text_due):
    twilio.answers.append(refusal(400, 21610, "Attempt to send to unsubscribed recipient"))
    sweep.sweep()
    text_due.refresh_from_db()
    assert text_due.status == Status.FAILED
    assert "replied STOP" in text_due.last_error


def test_an_unknown_refusal_keeps_twilios_own_words(twilio, text_due):
    twilio.answers.append(refusal(400, 30999, "Something new went wrong"))
    sweep.sweep()
    text_due.refresh_from_db()
    assert text_due.status == Status.FAILED
    assert text_due.last_error.endswith("(HTTP 400, error 30999): Something new went wrong")


def test_twilio_trouble_on_its_side_is_retried_later(twilio, text_due):
    twilio.answers.append(refusal(503, 20503, "Service unavailable"))
    report = sweep.sweep()
    text_due.refresh_from_db()
    assert (report.retried, text_due.status, text_due.attempts) == (1, Status.PENDING, 1)
    assert text_due.due_at > timezone.now()
    assert "HTTP 503" in text_due.last_error
    # The next sweep after the wait gets Twilio's default answer: sent.
    report = sweep.sweep(now=timezone.now() + timedelta(hours=3))
    text_due.refresh_from_db()
    assert (report.sent, text_due.status, len(twilio.sent)) == (1, Status.SENT, 2)


def test_wrong_account_settings_are_retried_and_named(twilio, text_due):
    twilio.answers.append(refusal(401, 20003, "Authenticate"))
    sweep.sweep()
    text_due.refresh_from_db()
    assert text_due.status == Status.PENDING
    assert "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in text_due.last_error


def test_a_network_timeout_is_retried_not_lost(twilio, text_due):
    twilio.answers.append(requests.exceptions.ReadTimeout("read timed out"))
    report = sweep.sweep()
    text_due.refresh_from_db()
    assert (report.retried, text_due.status) == (1, Status.PENDING)
    assert text_due.last_error == "Could not reach Twilio: ReadTimeout"


def test_a_text_twilio_answers_as_already_failed_is_not_recorded_as_sent(twilio, text_due):
    twilio.answers.append(
        Response(
            201,
            json.dumps(
                {"sid": "SM1", "status": "failed", "error_code": 30006, "error_message": "Landline"}
            ),
        )
    )
    sweep.sweep()
    text_due.refresh_from_db()
    assert text_due.status == Status.FAILED
    assert (
        text_due.last_error == "Twilio did not send the text (status failed, error 30006): Landline"
    )


def test_a_number_kept_as_typed_before_e164_is_never_sent_to(twilio, text_due):
    # A number the E.164 migration could not read stays as it was typed.
    Patient.objects.filter(pk=text_due.patient_id).update(phone="555-0100")
    sweep.sweep()
    text_due.refresh_from_db()
    assert twilio.sent == []
    assert text_due.status == Status.FAILED
    assert "not a valid number" in text_due.last_error


@pytest.mark.parametrize(
    "missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"]
)
def test_twilio_without_its_settings_is_no_provider(twilio, settings, missing):
    assert sms_available()
    setattr(settings, missing, "")
    assert not sms_available()


def test_twilio_without_its_settings_keeps_due_texts_for_a_retry(twilio, text_due, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    report = sweep.sweep()
    text_due.refresh_from_db()
    assert (report.retried, text_due.status, twilio.sent) == (1, Status.PENDING, [])
    assert "TWILIO_AUTH_TOKEN" in text_due.last_error
