"""Issue 21 in a real browser: on a 390x844 phone a patient fills in a LEFS and sees the score,
follows the "self-tests due" prompt, times a single-leg balance self-test with the page's timer
and saves it (the prompt goes), keeps the heel-raise tempo beat, uploads two watch files at once
and sees the weekly table, opens the progress report and shares it with a link that a doctor
opens without signing in, then stops it; the clinician opens the patient's chart and finds all
three (the questionnaire's score, the home self-test beside the clinic's value, the runs), and
asks for the next self-test."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments import questionnaires
from assessments.models import QuestionnaireResponse
from programs import self_test_schedule
from programs.models import ReportShare, Run, SelfTest, SelfTestRequest
from tests.browser_support import DESK, PHONE, check_page, sign_in
from tests.factories import PASSWORD, World
from tests.programs.conftest import make_screen
from tests.programs.run_files import gpx_run, tcx_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_records_outcomes_on_the_phone_and_the_clinician_sees_them(open_page, tmp_path):
    world = World.build()
    side = world.home
    patient = side.patient_a
    (lefs,) = questionnaires.questionnaires_assign(
        patient=patient, codes=["lefs"], source="clinician"
    )
    # The clinician asked for home self-tests.
    self_test_schedule.self_tests_request(
        patient=patient, source="clinician", by_user=side.clinician
    )
    # A clinic screen to set the home balance test beside.
    make_screen(
        side,
        performed_on=side.clinic.today() - timedelta(days=14),
        balance_eyes_open_s_left=15,
        balance_eyes_open_s_right=28,
    )

    page, problems = open_page(PHONE)
    # A fake clock in the page, so the balance timer runs 23 s without the test waiting.
    page.clock.install()
    sign_in(page, patient.user.email, PASSWORD)
    expect(page.get_by_role("heading", name=f"Hi {patient.first_name}")).to_be_visible()

    # 1. The LEFS waiting for the patient: twenty questions, "a little bit of difficulty" (3).
    page.get_by_role("link", name="You have a questionnaire to fill in").click()
    expect(page).to_have_url(re.compile(rf"/me/questionnaires/{lefs.pk}/$"))  # the only one
    for n in range(1, 21):
        page.locator(f"input[name=i{n}][value='3']").check()
    check_page(page, "outcomes-01-lefs")
    page.get_by_role("button", name="Send my answers").click()
    score = page.get_by_role("region", name="LEFS")
    expect(score).to_contain_text("60 of 80")
    assert QuestionnaireResponse.objects.get(assignment=lefs).score == 60

    # 2. The clinician asked for self-tests: the home page says they are due.
    page.goto("/")
    page.get_by_role("link", name="Your home self-tests are due").click()
    expect(page).to_have_url(re.compile(r"/me/self-tests/$"))
    # The balance self-test, timed on the phone: 23 s on the left, 31 s on the right.
    timer = page.get_by_role("region", name="Balance timer")
    expect(timer).to_be_visible()
    for seconds, use in ((23, "Use for left"), (31, "Use for right")):
        timer.get_by_role("button", name="Start").click()
        page.clock.run_for(seconds * 1000 + 400)
        expect(timer.locator("output")).to_have_text(str(seconds))
        timer.get_by_role("button", name="Stop").click()
        timer.get_by_role("button", name=use).click()
    page.get_by_label("Test").select_option("balance_eyes_open_s")
    expect(page.get_by_label("Left")).to_have_value("23")
    expect(page.get_by_label("Right")).to_have_value("31")
    check_page(page, "outcomes-02-self-test")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Self-test saved.")).to_be_visible()
    saved = SelfTest.objects.get(patient=patient)
    assert (saved.test, saved.left, saved.right) == ("balance_eyes_open_s", 23, 31)
    assert SelfTestRequest.objects.get(patient=patient).done_at is not None

    # The heel-raise tempo: 2 s up, 2 s down, one beat counted per full rise.
    tempo = page.get_by_role("region", name="Heel-raise tempo")
    expect(tempo).to_be_visible()
    word = tempo.locator("[data-tempo-word]")
    tempo.get_by_role("button", name="Start the beat").click()
    expect(word).to_have_text("Up")
    page.clock.run_for(2000)
    expect(word).to_have_text("Down")
    page.clock.run_for(2000)
    expect(word).to_have_text("Up")
    expect(tempo.locator("[data-tempo-count]")).to_have_text("1")
    tempo.get_by_role("button", name="Stop").click()
    expect(word).to_have_text("Stopped")
    page.goto("/")
    expect(page.get_by_role("link", name="Your home self-tests are due")).to_have_count(0)

    # 3. Two files from the watch at once: a TCX from yesterday, a GPX from three days ago.
    now = timezone.now()
    tcx = tmp_path / "yesterday.tcx"
    tcx.write_bytes(tcx_run(start=now - timedelta(days=1, hours=2), distance_m=8000))
    gpx = tmp_path / "easy.gpx"
    gpx.write_bytes(gpx_run(start=now - timedelta(days=3, hours=2), points=31))
    page.goto("/me/runs/")
    page.locator("input[type=file][name=file]").set_input_files([str(tcx), str(gpx)])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("2 runs added.")).to_be_visible()
    weeks = page.get_by_role("table", name="Running per week")
    expect(weeks).to_be_visible()
    expect(weeks).to_contain_text("8.0 km")  # the TCX is the week's long run at least
    expect(page.locator("#cadence")).to_contain_text("steps/min")
    check_page(page, "outcomes-03-runs")
    assert Run.objects.filter(patient=patient).count() == 2

    # The progress report to share, from the home page: all three are in it.
    page.goto("/")
    page.get_by_role("link", name="My progress report").click()
    report = page.get_by_role("main")
    expect(report.get_by_role("heading", name="Progress report")).to_be_visible()
    expect(report.locator("section", has_text="Questionnaires")).to_contain_text("LEFS")
    expect(report).to_contain_text("Single-leg balance, eyes open (s) 23 left, 31 right")
    expect(report.locator("section", has_text="Running load")).to_contain_text("Long run")
    expect(report.get_by_role("link", name="Download PDF")).to_have_attribute(
        "href", "/me/progress.pdf"
    )
    check_page(page, "outcomes-04-report")

    # The share step: a link for 14 days that a doctor opens without signing in.
    report.get_by_role("link", name="Share with your doctor").click()
    expect(page).to_have_url(re.compile(r"/me/progress/share/$"))
    expect(page.get_by_role("button", name="Download the PDF")).to_be_visible()
    page.get_by_label("14 days").check()
    page.get_by_role("button", name="Make a share link").click()
    expect(page.get_by_text("Link made.")).to_be_visible()
    link = page.locator("input[id^=share-url-]").input_value()
    assert "/shared/progress/" in link and patient.last_name.lower() not in link.lower()
    check_page(page, "outcomes-05-share")
    assert problems.errors == []
    doctor, doctor_problems = open_page(DESK)
    doctor.goto(link)
    expect(doctor.get_by_role("heading", name="Progress report")).to_be_visible()
    expect(doctor.get_by_role("main")).to_contain_text(patient.full_name)
    expect(doctor.get_by_role("main")).to_contain_text("Shared by the patient through a link")
    assert doctor_problems.errors == []
    page.reload()
    expect(page.get_by_text("Opened once")).to_be_visible()
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.get_by_text("That link no longer works.")).to_be_visible()
    assert ReportShare.objects.get(patient=patient).revoked_at is not None
    assert doctor.goto(link).status == 404

    # 4. The clinician's chart shows all three.
    desk, desk_problems = open_page(DESK)
    sign_in(desk, side.clinician.email, PASSWORD)
    desk.goto(f"/patients/{patient.pk}/")
    proms = desk.locator("#patient-questionnaires")
    expect(proms.locator('tr[data-instrument="lefs"]')).to_contain_text("60")
    beside = desk.locator("#self-tests-beside")
    balance = beside.locator('tr[data-test="balance_eyes_open_s"]')
    expect(balance.locator("td")).to_have_text(["23", "15", "31", "28"])
    expect(desk.locator("#chart-running")).to_contain_text("larger measurement error")
    running = desk.locator("#chart-running").get_by_role("table", name="Running per week")
    expect(running).to_contain_text("8.0 km")
    expect(desk.locator("#chart-running .run-list li")).to_have_count(2)
    check_page(desk, "outcomes-06-chart")
    # The next self-test, asked for from the chart.
    desk.get_by_role("button", name="Ask for a self-test").click()
    expect(desk.get_by_text("Self-tests asked for: the patient gets a reminder.")).to_be_visible()
    expect(desk.get_by_role("button", name="Ask for a self-test")).to_be_disabled()
    assert SelfTestRequest.objects.filter(patient=patient, done_at__isnull=True).count() == 1
    assert desk_problems.errors == []
