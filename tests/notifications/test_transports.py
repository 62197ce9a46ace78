"""Transports: one `send` per channel; SMS back ends are chosen by the SMS_BACKEND setting."""

import json

import pytest

from clinic.notifications.transports import (
    Attachment,
    EmailTransport,
    OutgoingMessage,
    PermanentDeliveryError,
    SmsTransport,
    transport_for,
)


def test_each_channel_has_its_transport():
    assert isinstance(transport_for("email"), EmailTransport)
    assert isinstance(transport_for("sms"), SmsTransport)


def test_the_file_sms_backend_writes_one_json_line_per_text(settings, tmp_path):
    settings.SMS_BACKEND = "clinic.notifications.transports.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    with transport_for("sms") as sms:
        sms.send(OutgoingMessage(channel="sms", to="+14105550100", subject="", text="Hello"))
        sms.send(OutgoingMessage(channel="sms", to="+14105550101", subject="", text="Again"))
    lines = [json.loads(line) for line in settings.SMS_FILE_PATH.read_text().splitlines()]
    assert [(line["to"], line["body"]) for line in lines] == [
        ("+14105550100", "Hello"),
        ("+14105550101", "Again"),
    ]


def test_the_console_sms_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "clinic.notifications.transports.ConsoleSmsBackend"
    with transport_for("sms") as sms:
        sms.send(OutgoingMessage(channel="sms", to="+14105550100", subject="", text="Hello"))
    assert "SMS to +14105550100: Hello" in capsys.readouterr().out


def test_email_goes_out_with_both_parts_and_attachments(mailoutbox):
    with transport_for("email") as email:
        email.send(
            OutgoingMessage(
                channel="email",
                to="ada@example.org",
                subject="Booked",
                text="Plain words",
                html="<p>Plain words</p>",
                attachments=[Attachment("a.ics", "BEGIN:VCALENDAR", "text/calendar")],
            )
        )
    (sent,) = mailoutbox
    assert sent.body == "Plain words"
    assert sent.alternatives[0][1] == "text/html"
    assert sent.attachments[0][0] == "a.ics"


def test_a_message_without_an_address_fails_for_good():
    with pytest.raises(PermanentDeliveryError):
        transport_for("email").send(OutgoingMessage(channel="email", to="", subject="x", text="y"))
