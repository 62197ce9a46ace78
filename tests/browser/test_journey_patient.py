"""Journeys 2 and 5 in a real browser.

2. A patient on a 390x844 phone opens a magic link, sees today's drills, logs the session in at
   most three taps, reloads and sees what was logged, previews a day of the week, answers the
   check-in the next morning (not before) and sees the program change after enough pain-free
   sessions.
5. A patient reports a sudden pop at the back of the ankle: the program is put on hold at once,
   and the clinician's worklist shows the flag; the clinician resumes it after the review.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.models import Patient
from clinic.notifications.models import Notification
from programs.models import CheckIn, Program, ProgramStatus, SessionItemLog, SessionLog
from tests.browser_support import DESK, PHONE, check_page, sign_in
from tests.factories import World
from tests.programs.test_progression_service import one_drill_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATIENT_EMAIL = "patient@demo.clinic"


def _published_program() -> Program:
    patient = Patient.objects.get(email=PATIENT_EMAIL)
    return Program.objects.get(patient=patient, status=ProgramStatus.PUBLISHED)


def _earlier_sessions(program, days_ago=(6, 4)):
    """Pain-free, easy sessions with their morning check-ins, logged before the journey."""
    today = timezone.localdate(timezone=program.clinic.tz)
    item = program.items.get()
    for n in days_ago:
        day = today - timedelta(days=n)
        session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
        SessionItemLog.objects.create(
            session=session, program_item=item, completed_sets=3, pain_during=0, difficulty=3
        )
        CheckIn.objects.create(
            patient=program.patient,
            program=program,
            date=day + timedelta(days=1),
            pain_next_morning=0,
            soreness_hours=0,
        )


def test_patient_opens_a_magic_link_logs_a_session_and_checks_in_next_morning(
    open_page, monkeypatch, task_queue
):
    world = World.build()
    program = one_drill_program(
        world.home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    _earlier_sessions(program)
    email = world.home.patient_a.email  # the address the clinic holds
    sign_in_address = world.home.patient_a.user.email  # where every sign-in link goes
    page, problems = open_page(PHONE)

    page.goto("/login/link/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    task_queue.run_all()  # the worker's part: the e-mail is sent by a task
    (message,) = [m for m in mail.outbox if sign_in_address in m.to]
    link = re.search(r"https?://\S+/login/link/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Open my program").click()
    expect(page.get_by_role("heading", name="Your home program")).to_be_visible()

    today = page.get_by_role("list", name=re.compile("^Today, "))
    expect(today.get_by_role("article")).to_have_count(1)
    expect(today).to_contain_text("3 sets ×")
    expect(today).to_contain_text("45 s hold")
    check_page(page, "journey2-01-today")

    # The usual session in three taps: pain during (never preselected), how hard, save.
    taps = 0
    page.locator("input[name=pain_all][value='0']").check()
    taps += 1
    page.get_by_text("Easy", exact=True).click()
    taps += 1
    page.get_by_role("button", name="Save today's session").click()
    taps += 1
    expect(page.locator(".patient-log-status")).to_contain_text("Saved.")
    assert taps <= 3
    logged = SessionLog.objects.get(date=timezone.localdate(timezone=program.clinic.tz))
    assert [(i.pain_during, i.difficulty, i.completed_sets) for i in logged.items.all()] == [
        (0, 3, 3)
    ]
    check_page(page, "journey2-02-logged")

    # Reloaded, the log shows what was logged and when; it can be changed and saved again.
    page.reload()
    log = page.get_by_role("form", name="Log today's session")
    expect(log.locator(".patient-logged")).to_contain_text(re.compile(r"Logged at \d\d:\d\d"))
    expect(log.locator("input[name=pain_all][value='0']")).to_be_checked()
    expect(log.get_by_label("Easy", exact=True)).to_be_checked()
    # The week: a day opens to its drills, with no request.
    week = page.get_by_role("list", name="This week")
    week.locator("summary").first.click()
    expect(week.locator("details[open]").first).to_contain_text("45 s")
    # No check-in right after the evening's log: it waits for the morning.
    expect(page.get_by_role("form", name=re.compile("how do you feel"))).to_have_count(0)

    # The next morning at 08:00 in the clinic's zone, the page asks about yesterday first.
    morning = datetime.combine(logged.date + timedelta(days=1), time(8), tzinfo=program.clinic.tz)
    started = timezone.now()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: morning + (real_now() - started))
    page.reload()
    form = page.get_by_role("form", name=re.compile("how do you feel after yesterday"))
    check_page(page, "journey2-03-checkin-due")
    form.get_by_label("Pain now").fill("0")
    form.get_by_label("No", exact=True).check()  # not still sore from the last session
    form.get_by_role("button", name="Send check-in").click()
    # Three easy, pain-free sessions: the engine steps the hold up and says why.
    expect(page.locator(".patient-checkin-status")).to_contain_text("3 × 60 s now, because")
    assert CheckIn.objects.filter(date=logged.date + timedelta(days=1)).count() == 1
    current = Program.objects.get(patient=program.patient, status=ProgramStatus.PUBLISHED)
    assert (current.version, current.items.get().hold_s) == (2, 60)

    page.reload()
    changes = page.get_by_role("region", name="What changed in your program")
    expect(changes).to_contain_text("3 × 60 s now, because the last three sessions were pain-free")
    expect(page.get_by_role("list", name=re.compile("^Today, "))).to_contain_text("60 s hold")
    expect(page.get_by_role("form", name=re.compile("how do you feel"))).to_have_count(0)
    check_page(page, "journey2-04-program-changed")

    assert problems.errors == []


def test_a_sudden_pop_pauses_the_program_and_the_clinician_sees_the_flag(open_page):
    call_command("seed_demo", verbosity=0)
    program = _published_program()
    page, problems = open_page(PHONE)

    sign_in(page, PATIENT_EMAIL)
    wrong = page.get_by_role("form", name="Something is wrong?")
    wrong.get_by_label("I felt a sudden pop or kick at the back of my ankle").check()
    check_page(page, "journey5-01-something-is-wrong")
    wrong.get_by_role("button", name="Stop my program and tell the clinic").click()

    # The page reloads to show the hold; the drills' log form is gone.
    expect(page.get_by_role("alert")).to_contain_text("Your program is on hold.")
    # A sudden pop: see a doctor today (docs/clinical-rules.md §8); the clinic is a tap away.
    expect(page.get_by_role("alert")).to_contain_text("see a doctor today")
    call = page.get_by_role("alert").locator("a[href^='tel:']")
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+\d+$"))
    expect(page.get_by_role("button", name="Save today's session")).to_have_count(0)
    check_page(page, "journey5-02-on-hold")
    program = Program.objects.get(patient=program.patient, status=ProgramStatus.PAUSED)
    assert any(f["code"] == "RF-2" and f["kind"] == "red_flag" for f in program.flags)

    # The clinician is told by e-mail and finds the flag at the top of the worklist.
    assert Notification.objects.filter(kind="staff_red_flag", patient=program.patient).exists()
    desk, desk_problems = open_page(DESK)
    sign_in(desk, "clinician@demo.clinic")
    needs_you = desk.get_by_role("region", name="Home programs that need you")
    expect(needs_you).to_contain_text("Casey Runner")
    desk.get_by_role("link", name="Worklist", exact=True).click()
    first = desk.get_by_role("row").nth(1)
    expect(first).to_contain_text("Casey Runner")
    expect(first).to_contain_text("Red flag")
    expect(first).to_contain_text("RF-2")
    expect(first).to_contain_text("sudden pop or kick at the back of the ankle")
    check_page(desk, "journey5-03-worklist-flag")

    # After seeing the patient, the clinician records the review and resumes the program.
    first.get_by_role("button", name="Review and resume").click()
    desk.get_by_label("Note").fill("Seen today: Thompson test normal, no gap. Resume.")
    desk.get_by_role("button", name=re.compile("resume the program")).click()
    expect(desk.get_by_text("The program is running again.")).to_be_visible()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED

    assert problems.errors == []
    assert desk_problems.errors == []
