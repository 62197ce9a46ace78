"""Every kind of message renders in plain words on e-mail, and patient kinds on SMS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.notifications import content
from clinic.notifications.models import STAFF_KINDS, Channel, Kind, Notification


def row(world, kind: str, channel: str) -> Notification:
    staff = kind in STAFF_KINDS
    start = timezone.now() + timedelta(days=1)
    return Notification(
        pk=1,
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        recipient_user=world.home.clinician if staff else None,
        channel=channel,
        kind=kind,
        subject_ref="booking.appointment:1",
        subject_id=1,
        due_at=timezone.now(),
        created_at=timezone.now(),
        payload={
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "old_start": (start - timedelta(days=1)).isoformat(),
            "appointment_type": "Running performance consult",
            "clinician": "Sam Lee",
            "detail": "Sharp pain on the outside of the knee at 5 km.",
        },
    )


@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_has_an_e_mail_with_the_clinic_name(world, kind):
    message = content.message_for(row(world, kind, Channel.EMAIL))
    assert message.subject.endswith(" - Home Clinic")
    assert "Home Clinic" in message.text and "Home Clinic" in message.html
    assert "{{" not in message.text and "{%" not in message.html
    assert ("To stop them:" in message.text) == (kind not in STAFF_KINDS)


@pytest.mark.parametrize("kind", sorted(set(Kind.values) - STAFF_KINDS))
def test_every_patient_kind_has_a_short_text_without_health_detail(world, kind):
    message = content.message_for(row(world, kind, Channel.SMS))
    assert message.text.startswith("Home Clinic: ")
    assert len(message.text) < 320
    for word in ("knee", "pain", "consult", "Sam Lee"):
        assert word not in message.text


DAY_KINDS = (Kind.PROGRAM_REMINDER, Kind.CHECKIN_PROMPT, Kind.RESCREEN_DUE)


def day_row(world, kind: str, channel: str) -> Notification:
    return Notification(
        pk=2,
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        channel=channel,
        kind=kind,
        subject_ref="programs.program:7",
        subject_id=7,
        due_at=timezone.now(),
        created_at=timezone.now(),
        payload={
            "day": "2027-05-04",
            "session_day": "2027-05-03",
            "link_path": "/book/?clinic=home" if kind == Kind.RESCREEN_DUE else "/",
            "link_label": "Book a time" if kind == Kind.RESCREEN_DUE else "",
            "detail": "Calf raises hurt at 7 out of 10.",
            "drill": "Eccentric heel drop",
        },
    )


@pytest.mark.parametrize("kind", DAY_KINDS)
def test_program_and_rescreen_e_mails_have_both_parts_the_clinic_and_a_way_out(
    world, kind, settings
):
    settings.SITE_URL = "https://groundwork.example"
    message = content.message_for(day_row(world, kind, Channel.EMAIL))
    stop = "https://groundwork.example/notifications/unsubscribe/"
    assert message.text and message.html
    assert message.subject == f"{content.SUBJECTS[kind]} - Home Clinic"
    for part in (message.text, message.html):
        assert "Home Clinic" in part and stop in part and "Hello Ada" in part
    assert message.headers["List-Unsubscribe"].startswith(f"<{stop}")
    link = "https://groundwork.example/" + (
        "book/?clinic=home" if kind == Kind.RESCREEN_DUE else ""
    )
    assert f"{link}\n" in message.text and f'href="{link}"' in message.html
    assert not message.attachments


@pytest.mark.parametrize("kind", DAY_KINDS)
def test_program_and_rescreen_texts_name_no_drill_pain_or_detail(world, kind):
    message = content.message_for(day_row(world, kind, Channel.SMS))
    assert message.text.startswith("Home Clinic: ") and "Stop texts: " in message.text
    for word in ("Calf", "pain", "heel", "7 out of 10", "exercise", "drill"):
        assert word.lower() not in message.text.lower()


def test_the_staff_rescreen_note_names_the_patient_and_has_no_unsubscribe_link(world):
    row = day_row(world, Kind.STAFF_RESCREEN_DUE, Channel.EMAIL)
    row.recipient_user = world.home.clinician
    row.payload = {"detail": "Last screen on 01 Apr 2027.", "link_path": "/patients/1/"}
    message = content.message_for(row)
    assert message.subject == "Ada Home is due a re-screen - Home Clinic"
    assert "Last screen on 01 Apr 2027." in message.text and "Home Clinic" in message.html
    assert "unsubscribe" not in message.text and "You get this because you work at" in message.text


def test_staff_e_mails_greet_by_first_name_not_by_title(world):
    clinician = world.home.clinician
    clinician.full_name = "Dr. Sam Carter"
    note = row(world, Kind.STAFF_RESCREEN_DUE, Channel.EMAIL)
    message = content.message_for(note)
    assert "Hello Sam," in message.text and "Hello Sam," in message.html
    assert "Hello Dr." not in message.text
