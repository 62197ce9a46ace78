"""The clinician worklist and review pages, and the pure adherence and pain-trend helpers."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import adherence, evaluation
from programs.models import ChangeReview, ProgramChange, ProgramStatus
from tests.programs.test_me_api import make_program
from tests.programs.test_progression_service import (
    check_in,
    current,
    log,
    one_drill_program,
    progressed,
    today,
)

MONDAY = date(2026, 11, 16)


# --- pure helpers -------------------------------------------------------------------------------


def test_adherence_counts_planned_days_in_the_window():
    weekdays = {0, 2, 4}  # Mon, Wed, Fri
    today_ = MONDAY + timedelta(days=14)  # a Monday; the window is the 14 days ending today
    logged = {MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=7)}
    # Planned before today in the window: Wed, Fri, Mon, Wed, Fri = 5; done: Wed and Mon.
    assert adherence.adherence_pct(weekdays, logged, started_on=MONDAY, today=today_, weeks=2) == 40
    # Today counts once it is logged.
    logged.add(today_)
    assert adherence.adherence_pct(weekdays, logged, started_on=MONDAY, today=today_, weeks=2) == 50
    # A program that started last Wednesday is judged from then: Wed, Fri, today; done today.
    started = MONDAY + timedelta(days=9)
    assert adherence.adherence_pct(weekdays, logged, started_on=started, today=today_, weeks=2) == (
        100 / 3
    )


def test_adherence_is_unknown_before_anything_was_due_and_capped_at_100():
    assert adherence.adherence_pct({0}, set(), started_on=MONDAY, today=MONDAY, weeks=2) is None
    logged = {MONDAY + timedelta(days=n) for n in range(7)}
    pct = adherence.adherence_pct(
        {0}, logged, started_on=MONDAY, today=MONDAY + timedelta(days=7), weeks=2
    )
    assert pct == 100


def test_weekly_sessions_count_like_adherence_and_skip_weeks_before_the_start():
    weekdays = {0, 2, 4}  # Mon, Wed, Fri
    today_ = MONDAY + timedelta(days=16)  # Wednesday of the third week
    started = MONDAY + timedelta(days=2)  # the first week's Wednesday
    logged = {MONDAY + timedelta(days=4), MONDAY + timedelta(days=7), today_}
    weeks = adherence.weekly_sessions(weekdays, logged, started_on=started, today=today_, weeks=6)
    assert weeks == [
        # This week so far: Monday was missed; today is planned because it is logged.
        adherence.WeekSessions(MONDAY + timedelta(days=14), 1, 2),
        adherence.WeekSessions(MONDAY + timedelta(days=7), 1, 3),
        # The first week counts from the start: Wednesday and Friday.
        adherence.WeekSessions(MONDAY, 1, 2),
    ]
    # The same rule as the percentage: over the whole program, done / planned.
    done = sum(w.done for w in weeks)
    planned = sum(w.planned for w in weeks)
    pct = adherence.adherence_pct(weekdays, logged, started_on=started, today=today_, weeks=6)
    assert pct == 100 * done / planned


@pytest.mark.parametrize(
    ("recent", "before", "direction"),
    [(4, 2, "up"), (1, 3, "down"), (2, 2.5, "steady"), (None, 2, "unknown")],
)
def test_pain_trend(recent, before, direction):
    today_ = MONDAY + timedelta(days=13)
    pains = []
    if recent is not None:
        pains.append((today_ - timedelta(days=1), recent))
    pains.append((today_ - timedelta(days=9), before))
    assert adherence.pain_trend(pains, today=today_).direction == direction


def test_sessions_per_week_for_the_chart():
    weeks = adherence.sessions_per_week(
        [MONDAY, MONDAY, MONDAY + timedelta(days=3), MONDAY + timedelta(days=7)],
        today=MONDAY + timedelta(days=8),
        weeks=3,
    )
    assert weeks == [(MONDAY - timedelta(days=7), 0), (MONDAY, 2), (MONDAY + timedelta(days=7), 1)]


# --- the worklist -------------------------------------------------------------------------------


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


@pytest.mark.django_db
def test_worklist_shows_flags_first_and_pending_changes(client, patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 0, pain=8)  # T-STOP on patient A
    quiet = make_program(home, home.patient_b, items=1)
    quiet.started_on = today(home)
    quiet.save()
    client.force_login(home.clinician)
    html = client.get("/worklist/").content.decode()
    assert home.patient_a.full_name in html
    assert "T-STOP" in html and "Drill paused" in html
    assert home.patient_b.full_name not in html  # nothing to do for B
    html = client.get("/worklist/?show=all").content.decode()
    assert html.index(home.patient_a.full_name) < html.index(home.patient_b.full_name)


@pytest.mark.django_db
def test_worklist_adherence_and_pain_trend(client, patient_api, world):
    home = world.home
    one_drill_program(home, changed_days_ago=13)
    # Pain 3 holds the dose: a step down to another rung would take that rung's days a week.
    for days_ago in (12, 10, 3, 1):
        log(patient_api, home, days_ago, pain=1 if days_ago > 7 else 3)
    client.force_login(home.clinician)
    from programs.worklist import worklist

    (row,) = worklist(user=home.clinician, today=today(home), only_flagged=False)
    # 7 days a week, started 13 days ago: 13 planned days before today, 4 done.
    assert round(row.adherence_2w) == round(4 * 100 / 13)
    assert (row.pain.recent, row.pain.before, row.pain.direction) == (3, 1, "up")
    assert row.last_session == today(home) - timedelta(days=1)


@pytest.mark.django_db
def test_worklist_other_clinics_see_nothing_of_ours(client, patient_api, world):
    one_drill_program(world.home)
    log(patient_api, world.home, 0, pain=8)
    client.force_login(world.other.clinician)
    html = client.get("/worklist/?show=all").content.decode()
    assert world.home.patient_a.full_name not in html


@pytest.mark.django_db
def test_worklist_has_a_fixed_query_count(client, world):
    def count():
        client.force_login(world.home.clinician)
        client.get("/worklist/")  # the staff session's last-seen time is saved once a minute
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/worklist/?show=all").status_code == 200
        return len(queries)

    make_program(world.home, items=1)
    small = count()
    make_program(world.home, world.home.patient_b, items=20)
    assert count() == small


@pytest.mark.django_db
def test_accept_and_undo_from_the_worklist(client, patient_api, world):
    home = world.home
    one_drill_program(home)
    log(patient_api, home, 6, pain=1)
    check_in(patient_api, home, 5)
    log(patient_api, home, 3, pain=1)
    check_in(patient_api, home, 2)
    change = ProgramChange.objects.get(action="progressed")
    client.force_login(home.clinician)
    assert "Stepped up" in client.get("/worklist/").content.decode()
    response = client.post(f"/programs/changes/{change.pk}/undo/", {"note": "too soon"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.review == ChangeReview.UNDONE
    assert current(home).items.get().reps == 10
    # Twice is refused with a message, not a 500.
    response = client.post(f"/programs/changes/{change.pk}/accept/", follow=True)
    assert "already undone" in response.content.decode()


@pytest.mark.django_db
def test_override_page_keeps_values_on_bad_input(client, patient_api, world):
    home = world.home
    program = one_drill_program(home)
    item = program.items.get()
    client.force_login(home.clinician)
    url = f"/programs/{program.pk}/items/{item.pk}/override/"
    response = client.post(url, {"sets": "0", "reps": "14", "note": "keep me"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="14"' in html and "keep me" in html
    assert current(home).version == 1
    response = client.post(url, {"sets": "2", "reps": "14", "note": ""})
    assert response.status_code == 302
    assert (current(home).version, current(home).items.get().sets) == (2, 2)


@pytest.mark.django_db
def test_resume_page_needs_a_note(client, patient_api, world):
    home = world.home
    program = one_drill_program(home)
    patient_api.post("/api/v1/me/red-flags/", {"red_flags": ["sudden_pop"]}, format="json")
    client.force_login(home.clinician)
    html = client.get("/worklist/").content.decode()
    assert "Red flag" in html and "Review and resume" in html
    url = f"/programs/{program.pk}/resume/"
    assert "RF-2" in client.get(url).content.decode()
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Thompson test normal."}).status_code == 302
    assert current(home).status == ProgramStatus.PUBLISHED


@pytest.mark.django_db
def test_evaluate_api_returns_the_version_in_force(api, patient_api, world):
    home = world.home
    program = one_drill_program(home)
    api.force_login(home.clinician)
    response = api.post(f"/api/v1/programs/{program.pk}/evaluate/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["version"]) == (program.pk, 1)


@pytest.mark.django_db
def test_the_nightly_task_evaluates_every_published_program(world):
    from programs.tasks import evaluate_programs

    one_drill_program(world.home, changed_days_ago=14)
    make_program(world.other, items=2)
    assert evaluate_programs() == {"evaluated": 2, "changed": 0, "failed": 0}
    assert [f["code"] for f in current(world.home).flags] == ["low_adherence"]
    assert evaluation.program_evaluate(program=current(world.home)).changes == []


@pytest.mark.django_db
def test_override_with_a_bad_change_id_is_a_404_not_an_error(client, world):
    program = one_drill_program(world.home)
    item = program.items.get()
    client.force_login(world.home.clinician)
    url = f"/programs/{program.pk}/items/{item.pk}/override/"
    for bad in ("abc", "²", "999999"):
        assert client.get(url, {"change": bad}).status_code == 404


@pytest.mark.django_db
def test_review_actions_only_go_back_to_our_own_pages(client, patient_api, world):
    change = progressed(patient_api, world)
    client.force_login(world.home.clinician)
    for target, expected in (
        ("/worklist/?show=all", "/worklist/?show=all"),
        ("https://evil.example/", "/worklist/"),
        ("/\\evil.example/", "/worklist/"),
    ):
        response = client.post(f"/programs/changes/{change.pk}/accept/", {"next": target})
        assert response.status_code == 302 and response["Location"] == expected
