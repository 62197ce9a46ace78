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
