"""Journeys 2 and 5 in a real browser, as far as the app goes today.

2. A patient on a 390x844 phone opens a magic link, sees today's drills, logs the session in
   at most three taps and answers the check-in the next morning. (Seeing the program change
   after enough pain-free sessions waits for the progression service being built in programs/.)
5. A patient reports a sudden pop at the back of the ankle: the program is put on hold at once
   and the clinician sees the red flag on the program. (The clinician worklist is being built.)
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import Patient
from programs.models import CheckIn, Program, ProgramStatus, SessionLog
from tests.browser_support import DESK, PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATIENT_EMAIL = "patient@demo.clinic"


def _published_program() -> Program:
    patient = Patient.objects.get(email=PATIENT_EMAIL)
    return Program.objects.get(patient=patient, status=ProgramStatus.PUBLISHED)


def test_patient_opens_a_magic_link_logs_a_session_and_checks_in_next_morning(
    open_page, monkeypatch
):
    call_command("seed_demo", verbosity=0)
    program = _published_program()
    page, problems = open_page(PHONE)

    page.goto("/login/link/")
    page.get_by_label("E-mail").fill(PATIENT_EMAIL)
    page.get_by_role("button", name="E-mail me a link").click()
    (message,) = [m for m in mail.outbox if PATIENT_EMAIL in m.to]
    link = re.search(r"https?://\S+/login/link/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Open my program").click()
    expect(page.get_by_role("heading", name="Your home program")).to_be_visible()

    today = page.get_by_role("list", name=re.compile("^Today, "))
    expect(today.get_by_role("article").first).to_be_visible()
    drills = today.get_by_role("article").count()
    check_page(page, "journey2-01-today")

    # Logging the session as prescribed: the targets are filled in, one tap saves them.
    taps = 0
    page.get_by_role("button", name="Save today's session").click()
    taps += 1
    expect(page.locator(".patient-log-status")).to_have_text(
        "Saved. You can change it again today."
    )
    assert taps <= 3
    log = SessionLog.objects.get(program=program)
    assert log.items.count() == drills
    assert all(i.pain_during == 0 for i in log.items.all())
    check_page(page, "journey2-02-logged")

    # The next morning (the server's clock moves on a day), a pain-free check-in.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    page.reload()
    form = page.get_by_role("form", name="Morning check-in")
    form.get_by_label("Pain now").fill("0")
    form.get_by_label("How many hours did soreness last?").fill("6")
    form.get_by_role("button", name="Send check-in").click()
    expect(page.locator(".patient-checkin-status")).to_have_text(
        "Thank you, your check-in was sent."
    )
    checkin = CheckIn.objects.get(program=program)
    assert checkin.date == log.date + timedelta(days=1)
    assert (checkin.pain_next_morning, checkin.soreness_hours) == (0, 6)
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED
    check_page(page, "journey2-03-checked-in")

    assert problems.errors == []


def test_a_sudden_pop_pauses_the_program_and_the_clinician_sees_the_flag(open_page):
    call_command("seed_demo", verbosity=0)
    program = _published_program()
    page, problems = open_page(PHONE)

    sign_in(page, PATIENT_EMAIL)
    form = page.get_by_role("form", name="Morning check-in")
    form.get_by_label("Pain now").fill("6")
    form.get_by_label("I felt a sudden pop or kick at the back of my ankle").check()
    check_page(page, "journey5-01-checkin")
    form.get_by_role("button", name="Send check-in").click()

    # The page reloads to show the hold; the drills' log form is gone.
    expect(page.get_by_role("alert")).to_contain_text("Your program is on hold.")
    expect(page.get_by_role("button", name="Save today's session")).to_have_count(0)
    check_page(page, "journey5-02-on-hold")
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
    assert any(f["code"] == "RF-2" and f["kind"] == "red_flag" for f in program.flags)

    desk, desk_problems = open_page(DESK)
    sign_in(desk, "clinician@demo.clinic")
    desk.get_by_role("link", name="Programs").click()
    recent = desk.get_by_role("region", name="Recent programs")
    entry = recent.get_by_role("listitem").filter(has_text="Casey Runner")
    expect(entry.first).to_contain_text("Paused")
    entry.first.get_by_role("link").click()
    flags = desk.get_by_role("region", name="For the clinician")
    expect(flags).to_contain_text("RF-2")
    expect(flags).to_contain_text("sudden pop or kick at the back of the ankle")
    check_page(desk, "journey5-03-clinician-flag")

    assert problems.errors == []
    assert desk_problems.errors == []
