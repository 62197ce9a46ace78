"""Staff need a second factor (authenticator app or recovery code) on every page when required."""

import time

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    # Throttling after a wrong code is django-otp's own (tested there); off so tests need no sleep.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now, or a later step's (a used code is refused until the step passes)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def confirmed_device(user) -> TOTPDevice:
    device = two_factor.pending_device(user)
    assert two_factor.confirm_device(user, current_code(device)) is not None
    device.refresh_from_db()
    return device


def sign_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    return response


def test_production_settings_require_two_factor_by_default():
    from clinic.settings import base

    assert base.STAFF_TWO_FACTOR_REQUIRED is True


def test_a_staff_member_without_a_device_is_sent_to_set_one_up(client, world, required):
    sign_in(client, world.home.clinician)
    response = client.get(reverse("patient_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_setting_up_the_app_shows_recovery_codes_and_opens_the_pages(client, world, required):
    user = world.home.clinician
    sign_in(client, user)
    page = client.get(reverse("two_factor_setup"))
    assert "data:image/svg+xml" in page.content.decode()
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "did not match" in wrong.content.decode()
    device = two_factor.pending_device(user)
    response = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert response.content.decode().count("<code>") == two_factor.RECOVERY_CODES
    assert client.get(reverse("patient_list")).status_code == 200


def test_a_staff_member_with_a_device_must_enter_a_code_after_password(client, world, required):
    user = world.home.frontdesk
    device = confirmed_device(user)
    sign_in(client, user)
    response = client.get(reverse("patient_list"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    bad = client.post(reverse("two_factor_verify"), {"code": "123", "next": "/patients/"})
    assert "not valid" in bad.content.decode()
    good = client.post(
        reverse("two_factor_verify"), {"code": current_code(device, 1), "next": "/patients/"}
    )
    assert good["Location"] == "/patients/"
    assert client.get(reverse("patient_list")).status_code == 200


def test_a_recovery_code_works_once(client, world, required):
    user = world.home.admin
    device = two_factor.pending_device(user)
    codes = two_factor.confirm_device(user, current_code(device))
    sign_in(client, user)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    client.logout()
    sign_in(client, user)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "not valid" in response.content.decode()


def test_an_offsite_next_is_ignored(client, world, required):
    user = world.home.frontdesk
    device = confirmed_device(user)
    sign_in(client, user)
    response = client.post(
        reverse("two_factor_verify"),
        {"code": current_code(device, 1), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_patients_never_need_a_second_factor(client, world, required):
    client.force_login(world.home.patient_a.user)
    assert client.get(reverse("home")).status_code == 200


def test_session_api_calls_of_unverified_staff_get_a_json_403(client, world, required):
    sign_in(client, world.home.clinician)
    response = client.get("/api/v1/patients/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_the_token_api_asks_staff_for_a_code(api, world, required):
    user = world.home.clinician
    body = {"username": user.email, "password": "correct-horse-battery"}
    response = api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "Set up two-factor" in response.json()["otp"][0]
    device = confirmed_device(user)
    response = api.post("/api/v1/auth/token/", {**body, "otp": "000000"}, format="json")
    assert response.status_code == 400
    response = api.post(
        "/api/v1/auth/token/", {**body, "otp": current_code(device, 1)}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]


def test_with_two_factor_off_staff_sign_in_with_a_password_alone(client, world, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    sign_in(client, world.home.clinician)
    assert client.get(reverse("patient_list")).status_code == 200


def test_a_password_alone_cannot_enrol_a_new_authenticator(client, world, required, mailoutbox):
    """The review's attack: with the password only, open set-up, enrol, and become verified."""
    victim = world.home.clinician
    victim_device = confirmed_device(victim)
    mailoutbox.clear()
    sign_in(client, victim)  # the attacker knows the password, not the code

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=victim, confirmed=False).count() == 0

    # Posting a code for a device the attacker made up is refused the same way.
    attacker_device = TOTPDevice.objects.create(user=victim, name="attacker", confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": current_code(attacker_device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("patient_list")).status_code == 302
    assert list(TOTPDevice.objects.filter(user=victim, confirmed=True)) == [victim_device]
    assert mailoutbox == []

    # The owner's own code still works.
    good = client.post(reverse("two_factor_verify"), {"code": current_code(victim_device, 1)})
    assert good.status_code == 302


def test_the_service_refuses_to_replace_a_device_for_an_unverified_user(world):
    user = world.home.clinician
    confirmed_device(user)
    with pytest.raises(PermissionDenied):
        two_factor.confirm_device(user, "123456")


def test_a_verified_session_may_replace_the_authenticator_and_the_owner_hears(
    client, world, required, mailoutbox, django_capture_on_commit_callbacks
):
    user = world.home.clinician
    old = confirmed_device(user)
    sign_in(client, user)
    client.post(reverse("two_factor_verify"), {"code": current_code(old, 1)})
    mailoutbox.clear()

    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "replaces your current authenticator" in page.content.decode()
    new = two_factor.pending_device(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("two_factor_setup"), {"code": current_code(new)})
    assert response.content.decode().count("<code>") == two_factor.RECOVERY_CODES
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new]
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "replaced" in mailoutbox[0].subject


def test_first_set_up_e_mails_the_owner(
    client, world, required, mailoutbox, django_capture_on_commit_callbacks
):
    user = world.home.frontdesk
    sign_in(client, user)
    client.get(reverse("two_factor_setup"))
    device = two_factor.pending_device(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "set up" in mailoutbox[0].subject


# The Django admin (security review, section 3) ----------------------------------------------


@pytest.fixture
def superuser(db):
    from clinic.models import User

    return User.objects.create_superuser("ops@groundwork.test", "correct-horse-battery")


def admin_sign_in(client, user):
    response = client.post(
        reverse("admin:login"),
        {"username": user.email, "password": "correct-horse-battery", "next": "/admin/"},
    )
    assert response.status_code == 302
    return response


def test_a_superuser_with_a_password_alone_gets_no_admin_page(client, superuser, required):
    """The review's reproduction: /admin/login/ then /admin/ showed "Site administration"."""
    admin_sign_in(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/admin/clinic/user/").status_code == 302


def test_a_superuser_without_a_device_can_set_one_up_and_then_open_the_admin(
    client, superuser, required
):
    admin_sign_in(client, superuser)
    page = client.get(reverse("two_factor_setup") + "?next=/admin/")
    assert page.status_code == 200
    device = two_factor.pending_device(superuser)
    response = client.post(reverse("two_factor_setup"), {"code": current_code(device)})
    assert response.content.decode().count("<code>") == two_factor.RECOVERY_CODES
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Site administration" in page.content.decode()


def test_a_superuser_with_a_device_enters_its_code_for_the_admin(client, superuser, required):
    device = confirmed_device(superuser)
    admin_sign_in(client, superuser)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_verify"))
    verified = client.post(
        reverse("two_factor_verify"), {"code": current_code(device, 1), "next": "/admin/"}
    )
    assert verified["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Site administration" in page.content.decode()


def test_the_admin_site_itself_refuses_an_unverified_session(client, superuser, required, settings):
    """Without the staff middleware in front, the admin still asks for the second factor."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("StaffTwoFactorMiddleware")
    ]
    admin_sign_in(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_admin_account_without_a_membership_needs_the_second_factor(world, required):
    from clinic.models import User

    staff_only = User.objects.create_user("auditor@groundwork.test", is_staff=True)
    assert two_factor.required_for(staff_only)
    assert not two_factor.required_for(world.home.patient_a.user)


def test_the_token_api_asks_a_superuser_for_a_code(api, superuser, required):
    body = {"username": superuser.email, "password": "correct-horse-battery"}
    response = api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "Set up two-factor" in response.json()["otp"][0]


def test_patients_cannot_open_the_second_factor_pages(client, world, required):
    client.force_login(world.home.patient_a.user)
    assert client.get(reverse("two_factor_setup")).status_code == 403
    assert client.get(reverse("two_factor_verify")).status_code == 403


def test_with_two_factor_off_the_admin_opens_with_a_password(client, superuser, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    admin_sign_in(client, superuser)
    assert client.get("/admin/").status_code == 200
