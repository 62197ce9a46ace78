"""Asking for a password reset: the page does the same work for any address; a worker looks
the account up and sends the link (security review 10)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_known_and_unknown_addresses_queue_the_same_task_and_send_nothing_in_the_request(
    client, world, task_queue
):
    staff = world.home.clinician
    staff.set_password("an-old-long-passphrase")
    staff.save()
    for email in (staff.email, "nobody@nowhere.test"):
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert task_queue.names() == ["clinic.tasks.password_reset_send"] * 2
    assert [args for _, args, _ in task_queue.sent] == [
        (staff.email, "testserver", False),
        ("nobody@nowhere.test", "testserver", False),
    ]

    task_queue.run_all()
    (message,) = mail.outbox
    assert message.to == [staff.email]
    link = re.search(r"http://testserver(/password/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"},
    )
    staff.refresh_from_db()
    assert staff.check_password("a-fresh-long-passphrase")


def test_an_account_without_a_password_gets_no_reset_e_mail(client, world, task_queue):
    patient_login = world.home.patient_a.user
    patient_login.set_unusable_password()
    patient_login.save()
    client.post(reverse("password_reset"), {"email": patient_login.email})
    task_queue.run_all()
    assert mail.outbox == []
