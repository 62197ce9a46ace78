"""Patients sign in with a one-time e-mailed link; it expires, works once, and only for them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from clinic.magic_links import MagicLinkError, make_token, send_magic_link, user_for_token

pytestmark = pytest.mark.django_db


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/login/link/\S+/)", message.body).group(1)


def test_staff_invite_a_patient_who_then_signs_in_with_the_link(client, world):
    patient = world.home.patient_a
    patient.user = None
    patient.save()
    client.force_login(world.home.frontdesk)
    response = client.post(reverse("patient_invite", args=[patient.pk]))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user is not None and not patient.user.has_usable_password()
    path = link_path(mail.outbox[-1])
    assert mail.outbox[-1].to == [patient.email]

    client.logout()
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Welcome back, Ada" in confirm.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == patient.user_id


def test_opening_the_link_does_not_use_it_up_but_signing_in_does(client, world):
    user = world.home.patient_a.user
    path = reverse("magic_link", args=[make_token(user)])
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    client.logout()
    response = client.post(path)
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_an_expired_link_is_refused(client, world, settings):
    token = make_token(world.home.patient_a.user)
    settings.MAGIC_LINK_MAX_AGE_MINUTES = -1
    response = client.post(reverse("magic_link", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_a_tampered_link_cannot_sign_in_another_patient(client, world):
    token = make_token(world.home.patient_a.user)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("magic_link", args=[forged]))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_staff_cannot_sign_in_through_a_patient_link(world):
    with pytest.raises(MagicLinkError, match="only sign in a patient"):
        user_for_token(make_token(world.home.clinician))


def test_asking_for_a_link_answers_the_same_for_known_and_unknown_addresses(
    client, world, task_queue
):
    known = client.post(reverse("magic_link_request"), {"email": world.home.patient_b.email})
    unknown = client.post(reverse("magic_link_request"), {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 200
    assert "If" in known.content.decode() and "If" in unknown.content.decode()
    # The request itself looks nothing up and sends nothing (security review 10): it only
    # queues the same task either way, so it takes the same time.
    assert mail.outbox == []
    assert task_queue.names() == ["clinic.tasks.magic_links_send"] * 2
    assert [args for _, args, _ in task_queue.sent] == [
        (world.home.patient_b.email, "http://testserver/"),
        ("nobody@nowhere.test", "http://testserver/"),
    ]
    task_queue.run_all()
    # The link goes to the address the patient signs in with, found by either address.
    assert [m.to for m in mail.outbox] == [[world.home.patient_b.user.email]]


def test_the_worker_sends_a_link_that_signs_the_patient_in(client, world, task_queue):
    patient = world.home.patient_b
    client.post(reverse("magic_link_request"), {"email": patient.email.upper()})
    task_queue.run_all()
    path = link_path(mail.outbox[-1])
    assert client.post(path).status_code == 302
    assert int(client.session["_auth_user_id"]) == patient.user_id


def test_a_staff_address_queues_the_same_task_and_gets_no_link(client, world, task_queue):
    client.post(reverse("magic_link_request"), {"email": world.home.clinician.email})
    assert task_queue.names() == ["clinic.tasks.magic_links_send"]
    task_queue.run_all()
    assert mail.outbox == []


def test_asking_for_links_is_rate_limited(client, world, task_queue):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        client.post(reverse("magic_link_request"), {"email": world.home.patient_b.email})
    response = client.post(reverse("magic_link_request"), {"email": world.home.patient_b.email})
    assert "Too many requests" in response.content.decode()
    assert len(task_queue.sent) == 5
    task_queue.run_all()
    assert len(mail.outbox) == 5
    cache.clear()


def test_a_malformed_e_mail_gets_a_clear_message(client, world):
    response = client.post(reverse("magic_link_request"), {"email": "not an address"})
    assert "Enter a valid email address." in response.content.decode()


def test_a_patient_without_an_e_mail_cannot_be_invited(client, world):
    patient = world.home.patient_a
    patient.email, patient.user = "", None
    patient.save()
    client.force_login(world.home.clinician)
    response = client.post(reverse("patient_invite", args=[patient.pk]), follow=True)
    assert "needs an e-mail address" in response.content.decode()
    assert mail.outbox == []


def test_staff_cannot_invite_another_clinics_patient_and_patients_cannot_invite(client, world):
    client.force_login(world.home.clinician)
    assert (
        client.post(reverse("patient_invite", args=[world.other.patient_a.pk])).status_code == 404
    )
    client.force_login(world.home.patient_a.user)
    assert client.post(reverse("patient_invite", args=[world.home.patient_b.pk])).status_code == 403
    assert mail.outbox == []


@pytest.fixture
def superuser(db):
    from clinic.models import User

    return User.objects.create_superuser(email="ops@groundwork.example", password="s3cret-ops")


def test_front_desk_cannot_take_over_a_superuser_through_an_invite(client, world, superuser):
    """The review's attack: record the admin's e-mail, invite, change the e-mail, invite again."""
    client.force_login(world.home.frontdesk)
    details = {
        "first_name": "Ops",
        "last_name": "Person",
        "date_of_birth": "1980-01-01",
        "sex": "other",
        "email": "ops@groundwork.example",
        "phone": "",
    }
    response = client.post(reverse("patient_create"), details)
    patient = world.home.clinic.patients.get(first_name="Ops")
    assert response.status_code == 302
    mail.outbox.clear()

    client.post(reverse("patient_invite", args=[patient.pk]))
    patient.refresh_from_db()
    assert patient.user_id is None
    client.post(
        reverse("patient_edit", args=[patient.pk]), {**details, "email": "attacker@evil.example"}
    )
    client.post(reverse("patient_invite", args=[patient.pk]))
    patient.refresh_from_db()

    # The second invite made a fresh patient-only account for the new address; nothing ever
    # carried a token for the superuser.
    assert patient.user_id != superuser.pk
    assert not patient.user.is_staff and not patient.user.is_superuser
    for message in mail.outbox:
        token = link_path(message).split("/")[-2]
        assert user_for_token(token).pk != superuser.pk


def test_no_link_ever_signs_in_an_administrator_or_staff(world, superuser):
    for user in (superuser, world.home.clinician):
        with pytest.raises(MagicLinkError, match="only sign in a patient"):
            user_for_token(make_token(user))
    # Even one that was linked to a patient record before this rule existed.
    patient = world.home.patient_b
    patient.user = superuser
    patient.save()
    with pytest.raises(MagicLinkError, match="only sign in a patient"):
        user_for_token(make_token(superuser))
    with pytest.raises(ValueError, match="not a patient account"):
        send_magic_link(patient)


def test_a_former_staff_account_with_a_password_is_not_adopted(world):
    from clinic.models import User

    User.objects.create_user(email="left@home.test", password="old-password")
    patient = world.home.patient_b
    patient.user = None
    patient.email = "left@home.test"
    patient.save()
    with pytest.raises(ValueError, match="staff account"):
        send_magic_link(patient)


def test_changing_a_patients_e_mail_does_not_move_their_sign_in(client, world, task_queue):
    patient = world.home.patient_a
    sign_in_address = patient.user.email
    client.force_login(world.home.frontdesk)
    details = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": "1990-06-15",
        "sex": "female",
        "email": "attacker@evil.example",
        "phone": "",
    }
    assert client.post(reverse("patient_edit", args=[patient.pk]), details).status_code == 302
    mail.outbox.clear()
    client.post(reverse("patient_invite", args=[patient.pk]))
    assert [m.to for m in mail.outbox] == [[sign_in_address]]
    patient.refresh_from_db()
    assert patient.user.email == sign_in_address

    # Asking for a link at the record's new address sends it to the sign-in address only.
    from django.core.cache import cache

    cache.clear()
    client.logout()
    mail.outbox.clear()
    client.post(reverse("magic_link_request"), {"email": "attacker@evil.example"})
    client.post(reverse("magic_link_request"), {"email": sign_in_address})
    task_queue.run_all()
    assert [m.to for m in mail.outbox] == [[sign_in_address], [sign_in_address]]
    cache.clear()
