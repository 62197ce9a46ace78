"""Plain-text e-mail subjects and bodies show names as typed, not HTML-escaped."""

import pytest
from django.core import mail
from django.test import RequestFactory

from clinic.magic_links import send_magic_link
from clinic.site.setup import staff_add

pytestmark = pytest.mark.django_db

NAME = "O'Brien & Sons <Physio>"


def test_the_sign_in_link_e_mail_shows_the_clinic_name_as_typed(world):
    clinic = world.home.clinic
    clinic.name = NAME
    clinic.save()
    send_magic_link(world.home.patient_a)
    message = mail.outbox[-1]
    assert message.subject == f"Your sign-in link for {NAME}"
    assert NAME in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    # The HTML part still escapes it.
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; Sons &lt;Physio&gt;" in html


def test_the_staff_invitation_subject_shows_the_clinic_name_as_typed(
    world, django_capture_on_commit_callbacks
):
    clinic = world.home.clinic
    clinic.name = NAME
    clinic.save()
    request = RequestFactory().get("/")
    with django_capture_on_commit_callbacks(execute=True):
        staff_add(
            clinic=clinic, email="kim@home.test", full_name="Kim", role="clinician", request=request
        )
    message = mail.outbox[-1]
    assert message.subject == f"You have a Groundwork account at {NAME}"
    assert f"{NAME} added you" in message.body
