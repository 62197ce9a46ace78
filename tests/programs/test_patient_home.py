"""The patient home page: today's drills with dose, how-to details and the week, phone first."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from programs.models import CheckIn, ProgramChange, ProgramStatus, SessionItemLog, SessionLog
from programs.red_flags import ANSWERS, RED_FLAGS
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db

# One of them reads the drills' media of the clinic, for all of today's items at once; three
# small reads say whether a questionnaire or the self-tests are due and give the patient's
# recent cadence.
EXPECTED_HOME_QUERIES = 12


def no_inline_code(html: str) -> bool:
    scripts_have_src = all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    return scripts_have_src and " style=" not in html and "<style" not in html


def test_today_drills_with_dose_steps_and_cues(client, world):
    program = make_program(world.home, items=3)
    client.force_login(world.home.patient_a.user)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/patient.css" in html
    assert no_inline_code(html)
    item = program.items.select_related("drill").first()
    assert item.drill.name in html
    assert "3 sets ×" in html and "12 reps" in html
    assert "left side only" in html and "right side only" in html and "both sides" in html
    assert "<details>" in html and "<summary>How to do it</summary>" in html
    for text in (*item.drill.instructions, *item.drill.cues):
        assert escape(text) in html
    assert 'aria-current="date"' in html
    assert '<h2 id="program-h">Your home program</h2>' in html
    assert "Reason 0" in html


def test_the_log_form_is_prefilled_with_the_targets_and_labelled(client, world):
    program = make_program(world.home, items=2)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "js/patient_log.js" in html
    assert 'data-endpoint="/api/v1/me/sessions/"' in html
    for item in program.items.all():
        assert f'<label for="sets-{item.pk}">' in html
        assert f'id="sets-{item.pk}" name="completed_sets"' in html
        assert f'max="{item.sets}" value="{item.sets}"' in html
        assert f'<label for="pain-{item.pk}">' in html
        assert f'<label for="difficulty-{item.pk}">' in html


def log_yesterday(program, pain=1):
    day = timezone.localdate(timezone=program.clinic.tz) - timedelta(days=1)
    session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
    for item in program.items.all():
        SessionItemLog.objects.create(
            session=session, program_item=item, completed_sets=item.sets, pain_during=pain,
            difficulty=5,
        )  # fmt: skip
    return day


def test_the_morning_after_a_session_the_check_in_comes_first(client, world, time_machine):
    time_machine.move_to(datetime(2026, 12, 8, 13, 0, tzinfo=UTC))  # 08:00 in New York
    program = make_program(world.home, items=1)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "patient-checkin" not in html  # nothing to check in about yet
    log_yesterday(program)
    html = client.get("/").content.decode()
    assert "js/patient_checkin.js" in html
    assert 'data-endpoint="/api/v1/me/checkins/"' in html
    assert "how do you feel after yesterday's session?" in html
    assert html.index("patient-checkin") < html.index("patient-log")
    for code in ANSWERS:
        assert f'<label class="patient-flag" for="checkin-flag-{code}">' in html
    assert '<label for="checkin-pain">' in html
    assert "<legend>Are you still sore from the last session?</legend>" in html
    CheckIn.objects.create(
        patient=program.patient, program=program, pain_next_morning=0,
        date=timezone.localdate(timezone=program.clinic.tz),
        still_sore=False,
    )  # fmt: skip
    assert "patient-checkin" not in client.get("/").content.decode()


def test_something_is_wrong_asks_every_red_flag_question(client, world):
    make_program(world.home, items=1)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert 'data-endpoint="/api/v1/me/red-flags/"' in html and "js/patient_red_flags.js" in html
    for flag in RED_FLAGS:
        assert f'<label class="patient-flag" for="flag-{flag.answer}">' in html
        assert flag.question in html


def test_the_usual_log_is_two_one_tap_answers_and_save(client, world):
    make_program(world.home, items=2)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    for value in range(11):
        chip = f'<input type="radio" name="pain_all" value="{value}" required> {value}</label>'
        assert chip in html
    assert 'name="pain_all" value="0" required>' in html  # chosen, never preselected (§7)
    for label in ("Easy", "OK", "Hard", "Too hard"):
        assert f"> {label}</label>" in html
    assert "Not everything done, or one drill felt different?" in html


def test_progress_charts_and_what_changed(client, world):
    program = make_program(world.home, items=1)
    log_yesterday(program, pain=3)
    ProgramChange.objects.create(
        program=program, version=1, source="progression", action="progressed",
        reason="Heel raises: 3 × 12 now, because the last two sessions were pain-free.",
    )  # fmt: skip
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "What changed in your program" in html
    assert "3 × 12 now, because the last two sessions were pain-free." in html
    assert "data-progress-chart=" in html and "js/patient_progress.js" in html
    assert "Sessions per week (plan: 7 a week)" in html
    assert "latest: 3.0/10" in html


def test_without_a_program_the_page_says_so(client, world):
    make_program(world.home, status=ProgramStatus.DRAFT)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "has not published a home program" in html


def test_a_paused_program_tells_the_patient_to_call_the_clinic(client, world):
    make_program(world.home, status=ProgramStatus.PAUSED)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert 'role="alert"' in html and "Stop and call the clinic." in html
    assert "patient-log" not in html  # nothing to log on a paused program
    assert "patient-checkin" not in html
    assert "patient-red-flags" in html  # the patient may still report again or add detail


def test_patient_b_does_not_see_patient_a_program(client, world):
    program = make_program(world.home, items=1)
    client.force_login(world.home.patient_b.user)
    html = client.get("/").content.decode()
    assert program.items.get().reason not in html
    assert "has not published a home program" in html


def test_the_home_page_has_a_fixed_query_count(client, world):
    counts = []
    for size, patient in ((1, world.home.patient_a), (8, world.home.patient_b)):
        make_program(world.home, patient, items=size)
        client.force_login(patient.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    make_program(world.other, items=20)
    client.force_login(world.other.patient_a.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_360px_phone_the_page_fits_and_a_session_is_logged(open_page):
    from programs.models import SessionItemLog
    from tests.browser_support import check_page, sign_in
    from tests.factories import PASSWORD, World

    world = World.build()
    program = make_program(world.home, items=3)
    page, problems = open_page({"width": 360, "height": 740})
    sign_in(page, world.home.patient_a.user.email, PASSWORD)
    page.goto("/")
    assert page.get_by_role("heading", name="Your home program").is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width}px"
    check_page(page, "patient-home-360")
    first = program.items.first()
    # The usual case in three taps: pain 2, "Hard", save.
    page.get_by_text("2", exact=True).click()
    page.get_by_text("Hard", exact=True).click()
    page.get_by_role("button", name="Save today's session").click()
    page.get_by_text("Saved.").wait_for()
    logs = SessionItemLog.objects.filter(session__program=program)
    assert logs.count() == 3
    assert {(log.pain_during, log.difficulty, log.completed_sets) for log in logs} == {(2, 7, 3)}
    # One drill different: open the details and change it; the others keep the quick answers.
    page.get_by_text("Not everything done, or one drill felt different?").click()
    page.locator(f"#pain-{first.pk}").fill("4")
    page.get_by_role("button", name="Save today's session").click()
    page.get_by_text("Saved.").wait_for()
    assert SessionItemLog.objects.get(program_item=first).pain_during == 4
    # "Something is wrong": a red-flag answer pauses the program and the page says so.
    page.locator("#flag-calf_swelling").check()
    page.get_by_role("button", name="Stop my program and tell the clinic").click()
    page.get_by_role("alert").filter(has_text="Get urgent medical help today").wait_for()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PAUSED
    check_page(page, "patient-home-paused-360")
    assert problems.errors == []


@pytest.mark.parametrize("sessions", [0, 500])
def test_the_home_page_query_count_does_not_grow_with_logged_sessions(client, world, sessions):
    program = make_program(world.home, items=8)
    start = timezone.localdate(timezone=program.clinic.tz) - timedelta(days=sessions)
    logs = SessionLog.objects.bulk_create(
        SessionLog(patient=world.home.patient_a, program=program, date=start + timedelta(days=n))
        for n in range(sessions)
    )
    item = program.items.first()
    SessionItemLog.objects.bulk_create(
        SessionItemLog(
            session=log, program_item=item, completed_sets=3, pain_during=2, difficulty=5
        )
        for log in logs
    )
    client.force_login(world.home.patient_a.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    # Pinned: the same with no logs and with 500 (the progress charts read aggregates).
    assert len(queries) == EXPECTED_HOME_QUERIES, [q["sql"][:80] for q in queries]


def test_each_laddered_drill_shows_its_level_and_a_paused_drill_says_why(client, world):
    program = make_program(world.home, items=2)
    first, second = program.items.all()
    first.ladder, first.rung = "L-CALF", 3
    first.save()
    second.paused, second.pause_reason = True, "Paused, because pain during was 8/10."
    second.save()
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "Level 3 of 7" in html and 'value="3" max="7"' in html
    assert "Paused, because pain during was 8/10." in html
    assert f'id="sets-{second.pk}"' not in html  # not in today's log
