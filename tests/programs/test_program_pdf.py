"""The printable and PDF program the patient takes home (issue 19): `GET /me/program.pdf` for
the signed-in patient, `/me/program/print/` in the browser, and the same printout for the
clinic's staff at `/programs/<pk>/print/` and `/programs/<pk>/program.pdf`."""

import re
from datetime import UTC, datetime

import pytest
from django.utils.html import escape

from clinic.audit.models import AccessAction, AccessEvent
from programs import printout
from programs.models import ProgramStatus
from tests.programs.test_patient_text_pages import insertional

pytestmark = pytest.mark.django_db

NOTE = "Keep the heel drops slow.\nCall me if the morning stiffness lasts over an hour."


@pytest.fixture
def program(api, world):
    """Patient A's published engine program (floor-level heel lowering, a variant with a
    precaution), with a clinician's note and the clinic's contact details filled in."""
    program = insertional(api, world)
    clinic = program.clinic
    clinic.phone = "+49 30 1234567"
    clinic.address = "Laufstraße 5\n10115 Berlin"
    clinic.email = "hello@physio.example"
    clinic.time_zone = "Europe/Berlin"
    clinic.save()
    # 23:30 UTC on the 6th is already the 7th in Berlin: the printout shows the clinic's date.
    program.published_at = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    program.notes = NOTE
    program.save(update_fields=["published_at", "notes"])
    return program


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF was rendered from (pypdf is not installed to read the PDF's text)."""
    pages = []
    real = printout.render_pdf

    def spy(html, **kwargs):
        pages.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(printout, "render_pdf", spy)
    return pages


def assert_full_printout(html, program):
    assert "Your home program" in html
    assert escape(program.patient.full_name) in html
    assert f"Version {program.version}, from 7 December 2026" in html  # clinic's time zone
    assert "Eccentric heel lowering on the floor" in html
    assert "Your version: on the flat floor" in html  # the item's variant, in plain words
    assert "Never on a step" in html  # its precautions
    assert "<ol>" in html  # its steps
    assert "Why:" in html
    assert escape(NOTE) in html  # the clinician's note
    assert "+49 30 1234567" in html and "hello@physio.example" in html
    assert "Laufstraße 5" in html
    # No site navigation or staff menu in print.
    assert "<nav" not in html and "Worklist" not in html and "Sign out" not in html
    assert 'href="/patients/' not in html
    assert "css/printout.css" in html


def test_the_patient_downloads_their_program_as_a_pdf(client, world, program, pdf_html):
    client.force_login(world.home.patient_a.user)
    response = client.get("/me/program.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="groundwork-program-v{program.version}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    # The PDF is rendered from the printout template, without the on-screen buttons.
    (html,) = pdf_html
    assert_full_printout(html, program)
    assert "data-print" not in html


def test_the_pdf_uses_the_print_stylesheet_and_fetches_nothing_else(world, program):
    path = printout._static_path("https://groundwork.invalid/static/css/printout.css")
    assert path and path.endswith("css/printout.css")
    fetcher = printout._StaticFilesFetcher()
    for url in (
        "https://example.com/static/css/printout.css",  # a page URL that is not ours
        "https://groundwork.invalid/media/../../etc/passwd",
        "https://groundwork.invalid/static/../settings.py",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="only loads this site's static files"):
            fetcher.fetch(url)
    response = fetcher.fetch("https://groundwork.invalid/static/css/printout.css")
    assert b"@page" in response.read()


def test_the_printable_page_has_everything_and_a_print_button(client, world, program):
    client.force_login(world.home.patient_a.user)
    response = client.get("/me/program/print/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert_full_printout(html, program)
    assert '<button type="button" data-print>Print</button>' in html
    assert 'href="/me/program.pdf" download' in html
    # No inline code (CSP): the Print button is wired by a script file.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert " style=" not in html and "<style" not in html


def test_a_paused_program_prints_the_advice_not_the_drills(client, world, program):
    program.status = ProgramStatus.PAUSED
    program.flags = [{"kind": "red_flag", "code": "calf_swelling"}]
    program.save(update_fields=["status", "flags"])
    client.force_login(world.home.patient_a.user)
    html = client.get("/me/program/print/").content.decode()
    assert "Your program is on hold" in html and "+49 30 1234567" in html
    assert "Eccentric heel lowering on the floor" not in html
    assert client.get("/me/program.pdf")["Content-Type"] == "application/pdf"


def test_the_patient_page_and_the_staff_program_page_link_to_the_pdf(client, world, program):
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert 'href="/me/program.pdf"' in html and 'href="/me/program/print/"' in html
    client.force_login(world.home.clinician)
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert f'href="/programs/{program.pk}/program.pdf"' in html


def test_a_patient_without_a_program_gets_a_clear_404(client, world, program):
    # Patient B has no program; there is no way to name patient A's.
    client.force_login(world.home.patient_b.user)
    for url in ("/me/program.pdf", "/me/program/print/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "No home program to print yet" in response.content.decode()
    assert client.get(f"/programs/{program.pk}/program.pdf").status_code == 403
    assert client.get(f"/programs/{program.pk}/print/").status_code == 403


def test_a_draft_is_not_the_patients_program(client, world, program):
    program.status = ProgramStatus.DRAFT
    program.save(update_fields=["status"])
    client.force_login(world.home.patient_a.user)
    assert client.get("/me/program.pdf").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, program):
    for url in ("/me/program.pdf", "/me/program/print/", f"/programs/{program.pk}/program.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_staff_get_the_same_pdf_for_their_clinic_only(client, world, program, pdf_html):
    client.force_login(world.home.clinician)
    response = client.get(f"/programs/{program.pk}/program.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="groundwork-program-v{program.version}.pdf"'
    )
    assert_full_printout(pdf_html[0], program)
    assert AccessEvent.objects.filter(
        actor=world.home.clinician, object_id=program.pk, action=AccessAction.EXPORT
    ).exists()
    html = client.get(f"/programs/{program.pk}/print/").content.decode()
    assert_full_printout(html, program)
    assert f'href="/programs/{program.pk}/program.pdf" download' in html
    # The print view's roles: clinicians and clinic admins; front desk 403; other clinic 404.
    client.force_login(world.home.frontdesk)
    assert client.get(f"/programs/{program.pk}/program.pdf").status_code == 403
    client.force_login(world.other.clinician)
    assert client.get(f"/programs/{program.pk}/program.pdf").status_code == 404
    client.force_login(world.other.admin)
    assert client.get(f"/programs/{program.pk}/print/").status_code == 404
