"""The progress report the patient shares (issue 21): `/me/progress.pdf` and its print page for the
patient, `/patients/<pk>/progress.pdf` and its print page for the clinic's clinicians and admins.
It compares the screens, shows the questionnaire trends with their MCID, adherence, the running
load and the current program, on one page, in a fixed number of queries."""

import re
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from assessments import questionnaires
from clinic.audit.models import AccessAction, AccessEvent
from programs import printout, run_services
from programs.models import SessionLog
from tests.programs.conftest import make_screen
from tests.programs.run_files import gpx_run, tcx_run
from tests.programs.test_patient_text_pages import published

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday afternoon in every clinic zone
LEFS_TWOS = {f"i{n}": 2 for n in range(1, 21)}  # 40
LEFS_THREES = {f"i{n}": 3 for n in range(1, 21)}  # 60: +20, beyond the MCID of 9


def answer(patient, code, answers, when, time_machine):
    time_machine.move_to(when, tick=False)
    (assignment,) = questionnaires.questionnaires_assign(
        patient=patient, codes=[code], source="clinician"
    )
    questionnaires.questionnaire_submit(assignment=assignment, answers=answers)


@pytest.fixture
def history(api, world, time_machine):
    """Patient A: a first screen and a program built from it, a better screen six weeks on, two
    LEFS, a few sessions, runs from the watch and a home self-test."""
    side = world.home
    patient = side.patient_a
    answer(patient, "lefs", LEFS_TWOS, datetime(2026, 10, 20, 9, tzinfo=UTC), time_machine)
    time_machine.move_to(datetime(2026, 10, 21, 9, tzinfo=UTC), tick=False)
    program = published(
        api,
        world,
        performed_on=date(2026, 10, 21),
        knee_to_wall_cm_left=Decimal("7.5"),
        knee_to_wall_cm_right=Decimal("11.0"),
        heel_raise_reps_left=12,
        heel_raise_reps_right=25,
        balance_eyes_open_s_left=14,
        balance_eyes_open_s_right=30,
    )
    answer(patient, "lefs", LEFS_THREES, datetime(2026, 12, 1, 9, tzinfo=UTC), time_machine)
    time_machine.move_to(NOW, tick=False)
    make_screen(
        side,
        performed_on=date(2026, 12, 2),
        knee_to_wall_cm_left=10.5,
        knee_to_wall_cm_right=11.0,
        heel_raise_reps_left=20,
        heel_raise_reps_right=25,
        balance_eyes_open_s_left=28,
        balance_eyes_open_s_right=30,
    )
    for days_ago in (1, 3, 5, 8, 10):
        SessionLog.objects.create(
            patient=patient, program=program, date=NOW.date() - timedelta(days=days_ago)
        )
    run_services.runs_upload(
        patient=patient,
        files=[
            SimpleUploadedFile("easy.tcx", tcx_run(start=NOW - timedelta(days=2))),
            SimpleUploadedFile("long.gpx", gpx_run(start=NOW - timedelta(days=6), points=41)),
        ],
    )
    run_services.self_test_record(
        patient=patient,
        day=NOW.date() - timedelta(days=1),
        test="balance_eyes_open_s",
        left=Decimal(25),
        right=Decimal(31),
    )
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


def assert_full_report(html, program):
    assert "Progress report" in html
    assert escape(program.patient.full_name) in html
    # Screens compared: first 21 Oct, latest 2 Dec, per side, with the screen page's verdicts.
    assert "First screen 21 Oct 2026, latest 2 Dec 2026." in html
    assert "Knee-to-wall (weight-bearing lunge)" in html
    assert "+3 (improved)" in html  # knee-to-wall left 7.5 → 10.5 cm
    assert "+8 (improved)" in html  # heel raises left 12 → 20
    assert "+14 (improved)" in html  # balance eyes open left 14 → 28 s
    assert "0 (within error)" in html  # the right side did not move
    # The home self-test, with its larger error.
    assert "Single-leg balance, eyes open (s) 25 left, 31 right" in html
    assert "larger measurement error" in html
    # Questionnaires: LEFS 40 → 60, beyond its MCID.
    assert ">LEFS<" in html
    assert "+20 (MCID 9): meaningful improvement" in html
    # Adherence and the program's drills with their doses.
    assert "over 2 weeks" in html and "over 6 weeks" in html
    assert "5 sessions logged" in html
    item = program.items.order_by("order").first()
    assert escape(item.how_to.name) in html
    assert f"{item.days_per_week} days a week" in html
    # Running load: this week and last week's runs, the long run and cadence.
    assert "Running load" in html and "Long run" in html
    assert "Cadence over the last 4 weeks" in html
    assert "No runs uploaded" not in html
    # A page of its own: no site navigation or staff menu.
    assert "<nav" not in html and "Sign out" not in html
    assert "css/printout.css" in html


def pages_in(pdf: bytes) -> int:
    """The number of pages of a PDF: its page objects, in the open or in compressed object
    streams (pypdf is not installed)."""
    text = pdf
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text))


def test_the_patient_downloads_a_one_page_pdf_of_their_progress(client, world, history, pdf_html):
    client.force_login(world.home.patient_a.user)
    response = client.get("/me/progress.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        'attachment; filename="groundwork-progress-2026-12-07.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert pages_in(response.content) == 1
    (html,) = pdf_html
    assert_full_report(html, history)
    assert "Download PDF" not in html  # no buttons in the PDF


def test_the_patient_print_page_has_the_same_report_and_the_buttons(client, world, history):
    client.force_login(world.home.patient_a.user)
    response = client.get("/me/progress/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_full_report(html, history)
    assert 'href="/me/progress.pdf"' in html and "data-print" in html


def test_the_patient_home_links_to_the_report(client, world, history):
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert 'href="/me/progress/print/"' in html


def test_the_clinician_prints_the_report_from_the_chart(client, world, history, pdf_html):
    side = world.home
    patient = side.patient_a
    client.force_login(side.clinician)
    chart = client.get(f"/patients/{patient.pk}/").content.decode()
    assert f'href="/patients/{patient.pk}/progress/print/"' in chart
    page = client.get(f"/patients/{patient.pk}/progress/print/")
    assert page.status_code == 200
    assert f'href="/patients/{patient.pk}/progress.pdf"' in page.content.decode()
    response = client.get(f"/patients/{patient.pk}/progress.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pages_in(response.content) == 1
    assert_full_report(pdf_html[0], history)
    assert AccessEvent.objects.filter(
        actor=side.clinician, patient=patient, action=AccessAction.EXPORT
    ).exists()


def test_a_patient_without_data_gets_a_report_that_says_so(client, world):
    client.force_login(world.home.patient_b.user)
    response = client.get("/me/progress/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No clinic screen yet." in html
    assert "No questionnaire filled in yet." in html
    assert "No home program in force." in html
    assert "No runs uploaded from the watch." in html


def test_tenancy_other_clinic_and_front_desk(client, world, history):
    patient = world.home.patient_a
    for user, status in (
        (world.other.clinician, 404),
        (world.other.admin, 404),
        (world.home.frontdesk, 403),
        (world.home.patient_b.user, 403),  # another patient: not a staff route
    ):
        client.force_login(user)
        for url in (
            f"/patients/{patient.pk}/progress.pdf",
            f"/patients/{patient.pk}/progress/print/",
        ):
            assert client.get(url).status_code == status, (user, url)
    # Patient B's own report never shows patient A's records.
    client.force_login(world.home.patient_b.user)
    html = client.get("/me/progress/print/").content.decode()
    assert escape(patient.full_name) not in html
    assert "No clinic screen yet." in html and "No runs uploaded from the watch." in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_report_reads_a_fixed_number_of_queries(
    client, world, history, time_machine, django_assert_max_num_queries
):
    side = world.home
    patient = side.patient_a
    client.force_login(side.clinician)
    url = f"/patients/{patient.pk}/progress/print/"
    with django_assert_max_num_queries(17):  # 14, and the session saved once
        assert client.get(url).status_code == 200
    before = _queries(client, url)
    # Much more history: the number of queries stays the same.
    for n in range(6):
        make_screen(
            side, performed_on=date(2026, 11, 1) + timedelta(days=n), heel_raise_reps_left=15
        )
        SessionLog.objects.create(
            patient=patient, program=history, date=NOW.date() - timedelta(days=20 + n)
        )
        run_services.self_test_record(
            patient=patient,
            day=NOW.date() - timedelta(days=10 + n),
            test="heel_raise_reps",
            left=Decimal(18),
            right=Decimal(24),
        )
    run_services.runs_upload(
        patient=patient,
        files=[
            SimpleUploadedFile(f"r{n}.tcx", tcx_run(start=NOW - timedelta(days=9 + n)))
            for n in range(5)
        ],
    )
    answer(patient, "lefs", LEFS_THREES, NOW - timedelta(hours=1), time_machine)
    assert _queries(client, url) == before
    client.force_login(patient.user)
    with django_assert_max_num_queries(15):
        assert client.get("/me/progress/print/").status_code == 200
