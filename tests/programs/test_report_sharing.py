"""The patient's share step for the progress report: download it, or make a link that a
referring doctor opens without signing in; the link expires, can be stopped, carries no patient
data, and each opening is audited."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.audit.models import AccessAction, AccessEvent
from clinic.audit.services import patient_anonymise
from clinic.link_tokens import redact_path
from programs import report_sharing
from programs.models import ReportShare

pytestmark = pytest.mark.django_db

SHARE = "/me/progress/share/"


@pytest.fixture
def patient(world):
    return world.home.patient_a


@pytest.fixture
def signed_in(client, patient):
    client.force_login(patient.user)
    return client


def make_link(signed_in, days="14") -> tuple[ReportShare, str]:
    response = signed_in.post(SHARE, {"days": days})
    assert response.status_code == 302, response.content[:300]
    share = ReportShare.objects.latest("id")
    assert response["Location"] == f"{SHARE}#share-{share.pk}"
    return share, report_sharing.share_path(share)


def test_the_share_step_offers_the_download_and_a_link(signed_in):
    html = signed_in.get(SHARE).content.decode()
    assert "The report is yours to share" in html
    assert 'href="/me/progress.pdf" download' in html
    for days in report_sharing.SHARE_DAYS:
        assert f'name="days" value="{days}"' in html
    assert "None: your report is not shared by link." in html
    # Reached from the home page and from the report itself.
    assert 'href="/me/progress/share/"' in signed_in.get("/").content.decode()
    assert 'href="/me/progress/share/"' in signed_in.get("/me/progress/print/").content.decode()


def test_a_link_for_14_days_is_listed_and_holds_no_patient_data(signed_in, patient):
    before = timezone.now()
    share, path = make_link(signed_in, "14")
    assert share.patient == patient and share.revoked_at is None
    assert timedelta(days=14) <= share.expires_at - before < timedelta(days=14, minutes=1)
    html = signed_in.get(SHARE).content.decode()
    assert f'value="http://testserver{path}"' in html and "Not opened yet." in html
    # Only the link's own number and a 64-digit hex secret: no name, e-mail or patient id.
    match = re.fullmatch(r"/shared/progress/(\d+)-([0-9a-f]{64})/", path)
    assert match is not None and match.group(1) == str(share.pk)
    secret = match.group(2)
    # The database alone does not hold a working URL: only the hash of its secret.
    assert secret not in (share.nonce, share.secret_hash)
    # Logs and the audit trail see the route without its credential.
    assert redact_path(path) == "/shared/progress/[token]/"


def test_the_doctor_opens_it_without_signing_in_and_it_is_audited(signed_in, client, patient):
    share, path = make_link(signed_in)
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Progress report" in html and patient.full_name in html
    assert "Shared by the patient through a link that works until" in html
    assert f'href="{report_sharing.share_pdf_path(share)}"' in html
    assert ">Back<" not in html and "/me/progress/share/" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    event = AccessEvent.objects.get(object_type="progress_report_share")
    assert event.actor_id is None and event.patient_id == patient.pk
    assert (event.action, event.object_id) == (AccessAction.VIEW, share.pk)

    pdf = client.get(report_sharing.share_pdf_path(share))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("inline;")
    assert AccessEvent.objects.filter(
        object_type="progress_report_share", action=AccessAction.EXPORT
    ).exists()
    share.refresh_from_db()
    assert share.opened_count == 2 and share.last_opened_at is not None


def test_the_patient_sees_that_it_was_opened(signed_in, client, patient):
    share, path = make_link(signed_in)
    client.get(path)
    html = client.get(SHARE).content.decode()
    assert "Opened once, last on" in html


def test_an_expired_link_no_longer_works(signed_in, client, time_machine):
    share, path = make_link(signed_in, "7")
    time_machine.move_to(timezone.now() + timedelta(days=7, minutes=1))
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get(report_sharing.share_pdf_path(share)).status_code == 404
    assert not AccessEvent.objects.filter(object_type="progress_report_share").exists()


def test_the_patient_stops_a_link(signed_in, client):
    share, path = make_link(signed_in)
    response = signed_in.post(f"/me/progress/share/{share.pk}/revoke/")
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert "None: your report is not shared by link." in signed_in.get(SHARE).content.decode()
    client.logout()
    assert client.get(path).status_code == 404
    # Stopping it twice finds nothing to stop.
    signed_in.force_login(share.patient.user)
    assert signed_in.post(f"/me/progress/share/{share.pk}/revoke/").status_code == 404


def test_another_patient_cannot_stop_the_link(signed_in, client, world):
    share, path = make_link(signed_in)
    client.force_login(world.home.patient_b.user)
    assert client.post(f"/me/progress/share/{share.pk}/revoke/").status_code == 404
    client.logout()
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # wrong secret
        lambda token: token.split("-")[1],  # no number
        lambda token: "999999-" + token.split("-")[1],  # another number
        lambda token: "x" * 20,
        lambda token: "9" * 40 + "-" + token.split("-")[1],  # an absurd number
    ],
)
def test_a_wrong_token_is_not_found(signed_in, client, mangle):
    share, _ = make_link(signed_in)
    client.logout()
    bad = mangle(report_sharing.share_token(share))
    assert client.get(f"/shared/progress/{bad}/").status_code == 404


def test_another_links_number_with_this_secret_is_not_found(signed_in, client):
    first, _ = make_link(signed_in)
    second, _ = make_link(signed_in)
    secret = report_sharing.share_token(first).split("-")[1]
    client.logout()
    assert client.get(f"/shared/progress/{second.pk}-{secret}/").status_code == 404


def test_a_new_secret_key_turns_old_links_off(signed_in, client, settings):
    share, path = make_link(signed_in)
    settings.SECRET_KEY = "another-secret-key-for-this-test-" + "x" * 40
    client.logout()
    assert client.get(path).status_code == 404


def test_bad_days_and_too_many_links_are_refused_with_a_reason(signed_in, patient):
    response = signed_in.post(SHARE, {"days": "365"})
    assert response.status_code == 400
    assert "Choose 7, 14, 30 days." in response.content.decode()
    assert signed_in.post(SHARE, {}).status_code == 400
    for _ in range(report_sharing.MAX_LIVE_SHARES):
        make_link(signed_in, "7")
    refused = signed_in.post(SHARE, {"days": "7"})
    assert refused.status_code == 400
    assert "Stop sharing one first." in refused.content.decode()
    assert ReportShare.objects.filter(patient=patient).count() == report_sharing.MAX_LIVE_SHARES


@pytest.mark.parametrize("actor", ["clinician", "admin", "frontdesk"])
def test_staff_do_not_make_links_for_the_patient(client, world, actor):
    client.force_login(getattr(world.home, actor))
    assert client.post(SHARE, {"days": "7"}).status_code == 403
    assert not ReportShare.objects.exists()


def test_anonymising_the_patient_stops_their_links(signed_in, client, world, patient):
    share, path = make_link(signed_in)
    patient_anonymise(user=world.home.admin, patient=patient)
    share.refresh_from_db()
    assert share.revoked_at is not None
    client.logout()
    assert client.get(path).status_code == 404
