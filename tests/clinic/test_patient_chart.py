"""The staff patient page as the patient's chart: appointments for every staff role; screens,
the home program, adherence, check-ins and flags for clinicians and clinic admins only."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.selectors import chart_screens
from clinic.access import membership_of
from clinic.booking.models import AppointmentStatus
from clinic.booking.selectors import patient_appointments
from programs.chart import patient_program_chart
from programs.models import (
    ChangeSource,
    CheckIn,
    Program,
    ProgramChange,
    ProgramStatus,
    SessionItemLog,
    SessionLog,
)
from tests import factories as f
from tests.programs.conftest import make_screen
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db


def chart_url(patient) -> str:
    return reverse("patient_detail", args=[patient.pk])


def shown(day: date, hour: int = 20) -> str:
    """How the chart writes an appointment's start: the clinic's local day and time."""
    return f"{day:%a} {day.day} {day:%b} {day.year}, {hour:02d}:00"


def log_session(program: Program, day: date, *, pain: int = 2) -> SessionLog:
    session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
    SessionItemLog.objects.bulk_create(
        SessionItemLog(
            session=session, program_item=item, completed_sets=3, pain_during=pain, difficulty=5
        )
        for item in program.items.all()
    )
    return session


class Chart:
    """Patient A of the home clinic with some of everything on their chart."""

    def __init__(self, world):
        self.side = side = world.home
        self.patient = patient = side.patient_a
        self.today = today = side.clinic.today()
        kind = f.AppointmentTypeFactory(clinic=side.clinic, name="Gait review")
        # 20:00 in New York is already the next day in UTC: the chart must say the local day.
        self.next_visit = f.appointment(
            clinic=side.clinic,
            patient=patient,
            clinician=side.clinician,
            kind=kind,
            day=today + timedelta(days=2),
            hour=20,
        )
        self.last_visit = f.appointment(
            clinic=side.clinic,
            patient=patient,
            clinician=side.clinician,
            kind=kind,
            day=today - timedelta(days=3),
            hour=20,
        )
        self.last_visit.status = AppointmentStatus.ARRIVED
        self.last_visit.save()
        self.first_screen = make_screen(
            side, performed_on=today - timedelta(days=60), knee_to_wall_cm_left=7.5
        )
        self.screen = make_screen(
            side, performed_on=today - timedelta(days=12), knee_to_wall_cm_left=9.5
        )
        self.screen.created_by = side.clinician
        self.screen.save()
        self.kind = kind
        self.program = program = make_program(side, items=2)
        program.started_on = today - timedelta(days=9)  # 9 planned days before today
        program.flags = [
            {
                "source": "progression",
                "code": "no_progress",
                "message": "Single-leg balance has not moved in four weeks.",
            }
        ]
        program.save()
        for days_ago in (8, 6, 3, 1):
            log_session(program, today - timedelta(days=days_ago))
        CheckIn.objects.create(
            patient=patient, program=program, date=today, pain_next_morning=4, still_sore=True
        )
        self.change = ProgramChange.objects.create(
            program=program,
            version=program.version,
            source=ChangeSource.PROGRESSION,
            action="progressed",
            reason="Two easy sessions in a row.",
        )

    def grow(self, n: int) -> None:
        """`n` more of everything in the patient's past: visits, screens, superseded program
        versions with their changes, sessions and check-ins."""
        side, patient, today = self.side, self.patient, self.today
        for k in range(1, n + 1):
            f.appointment(
                clinic=side.clinic,
                patient=patient,
                clinician=side.clinician,
                kind=self.kind,
                day=today - timedelta(days=7 * k + 10),
                hour=9,
            )
            make_screen(side, performed_on=today - timedelta(days=60 + k), knee_to_wall_cm_left=8)
            old = make_program(side, items=2, status=ProgramStatus.SUPERSEDED, version=100 + k)
            ProgramChange.objects.create(
                program=old, version=old.version, source=ChangeSource.ENGINE, action="built"
            )
            log_session(self.program, today - timedelta(days=10 + k))
            CheckIn.objects.create(
                patient=patient,
                program=self.program,
                date=today - timedelta(days=10 + k),
                pain_next_morning=1,
                still_sore=False,
            )
            ProgramChange.objects.create(
                program=self.program,
                version=self.program.version,
                source=ChangeSource.PROGRESSION,
                action="regressed",
                reason=f"Change {k}.",
            )


@pytest.fixture
def chart(world):
    return Chart(world)


def test_the_clinician_sees_every_section_with_links_and_local_dates(client, world, chart):
    client.force_login(world.home.clinician)
    response = client.get(chart_url(chart.patient))
    assert response.status_code == 200
    html = response.content.decode()
    # Appointments: the coming one first, then the past one, both on the clinic's day and hour.
    upcoming = shown(chart.next_visit.start.astimezone(world.home.clinic.tz).date())
    past = shown(chart.last_visit.start.astimezone(world.home.clinic.tz).date())
    assert html.index(upcoming) < html.index(past)
    local_start = timezone.localtime(chart.next_visit.start, world.home.clinic.tz)
    assert f'datetime="{local_start.isoformat()}"' in html
    assert reverse("booking_appointment", args=[chart.next_visit.pk]) in html
    assert "Arrived" in html and "Booked" in html
    book = f"{reverse('booking_appointment_new')}?patient={chart.patient.pk}"
    assert f'href="{book}" role="button"' in html
    # The program in force, its history, and when it was published.
    program = chart.program
    assert f'href="{reverse("program_detail", args=[program.pk])}">Version 1</a>' in html
    assert reverse("program_history", args=[program.pk]) in html
    published = timezone.localtime(program.published_at, world.home.clinic.tz)
    assert f'published on <time datetime="{published.isoformat()}">' in html
    # Sessions done against the plan: 4 of the 9 drill days before today.
    assert "44% of planned sessions" in html
    assert "(this week, so far)" in html
    # Check-ins, newest first: date, pain next morning, still sore.
    today = chart.today
    assert f"{today:%a} {today.day} {today:%b} {today.year}</th>" in html
    assert "<td>4/10</td>" in html and "<td>Yes</td>" in html
    # Open flags and the change to review, as information with the way to act on them.
    assert 'id="chart-attention" class="chart-notice"' in html
    assert "No progress" in html and "has not moved in four weeks" in html
    assert "Two easy sessions in a row." in html
    assert reverse("worklist") in html
    # Screens: each links to itself, and the later one to its comparison with the first.
    assert reverse("screen_detail", args=[chart.first_screen.pk]) in html
    compare = reverse("screen_detail", args=[chart.screen.pk]) + "#change-h"
    first = chart.first_screen.performed_on
    assert f'href="{compare}">Compare with {first.day} {first:%b} {first.year}</a>' in html
    assert str(world.home.clinician) in html  # who entered it
    assert reverse("screen_create", args=[chart.patient.pk]) in html


def test_dates_follow_the_clinic_zone_not_the_servers(client, world, chart):
    # 20:00 on the visit's day in New York is 01:00 the next day in UTC.
    client.force_login(world.home.clinician)
    html = client.get(chart_url(chart.patient)).content.decode()
    utc = chart.last_visit.start.astimezone(UTC)
    assert utc.hour == 1
    assert shown(utc.date(), hour=1) not in html
    assert shown(chart.today - timedelta(days=3)) in html


def test_the_paused_program_offers_review_and_resume(client, world, chart):
    chart.program.status = ProgramStatus.PAUSED
    chart.program.flags = [{"kind": "red_flag", "code": "RF-2", "message": "Sudden pop."}]
    chart.program.save()
    client.force_login(world.home.clinician)
    html = client.get(chart_url(chart.patient)).content.decode()
    assert "Red flag" in html and "Sudden pop." in html
    assert reverse("program_resume", args=[chart.program.pk]) in html
    assert "Paused, published on" in html
    assert 'class="error"' not in html  # flags are notes, not errors


def test_a_waiting_draft_is_named_and_no_program_is_said_plainly(client, world, chart):
    draft = make_program(world.home, items=1, status=ProgramStatus.DRAFT, version=2)
    client.force_login(world.home.clinician)
    html = client.get(chart_url(chart.patient)).content.decode()
    assert f'<a href="{reverse("program_detail", args=[draft.pk])}">version 2</a>' in html
    other = world.home.patient_b
    html = client.get(chart_url(other)).content.decode()
    assert "No home program yet" in html and "No check-in yet." in html
    assert "No screen recorded yet." in html and "Nothing booked." in html


def test_front_desk_sees_appointments_and_requests_but_nothing_clinical(client, world, chart):
    client.force_login(world.home.frontdesk)
    response = client.get(chart_url(chart.patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("booking_appointment", args=[chart.next_visit.pk]) in html
    assert f"{reverse('booking_appointment_new')}?patient={chart.patient.pk}" in html
    for clinical in (
        'id="chart-program"',
        'id="patient-screens"',
        'id="chart-attention"',
        reverse("program_detail", args=[chart.program.pk]),
        reverse("screen_detail", args=[chart.screen.pk]),
        reverse("screen_create", args=[chart.patient.pk]),
        "Morning check-ins",
        "has not moved in four weeks",
        "Two easy sessions in a row.",
    ):
        assert clinical not in html, clinical


def test_the_clinic_admin_sees_the_clinical_sections(client, world, chart):
    client.force_login(world.home.admin)
    html = client.get(chart_url(chart.patient)).content.decode()
    assert 'id="chart-program"' in html and 'id="patient-screens"' in html


@pytest.mark.parametrize("who", ["admin", "clinician", "frontdesk"])
def test_another_clinics_staff_get_404(client, world, chart, who):
    client.force_login(getattr(world.other, who))
    assert client.get(chart_url(chart.patient)).status_code == 404


def test_a_patient_cannot_open_a_chart_not_even_their_own(client, world, chart):
    client.force_login(chart.patient.user)
    assert client.get(chart_url(chart.patient)).status_code == 403
    client.force_login(world.home.patient_b.user)
    assert client.get(chart_url(chart.patient)).status_code == 403
    client.logout()
    response = client.get(chart_url(chart.patient))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_book_opens_the_form_with_the_patient_chosen(client, world):
    patient = world.home.patient_a
    client.force_login(world.home.frontdesk)
    html = client.get(reverse("booking_appointment_new"), {"patient": patient.pk}).content.decode()
    assert f'name="patient" value="{patient.pk}" checked> {patient.full_name}' in html
    # Another clinic's patient, or nonsense, chooses nobody.
    for value in (world.other.patient_a.pk, "x"):
        html = client.get(reverse("booking_appointment_new"), {"patient": value}).content.decode()
        assert 'name="patient" value=' not in html
        assert world.other.patient_a.full_name not in html


def count_queries(client, url) -> int:
    client.get(url)  # the staff session's last-seen time is saved once a minute
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["clinician", "admin", "frontdesk"])
def test_the_query_count_does_not_grow_with_the_history(client, world, chart, who):
    client.force_login(getattr(world.home, who))
    url = chart_url(chart.patient)
    few = count_queries(client, url)
    chart.grow(12)
    assert count_queries(client, url) == few


def test_sections_use_a_bounded_number_of_queries(world):
    """Each section's selector reads a fixed number of times."""
    chart = Chart(world)
    chart.grow(8)
    user = world.home.clinician
    membership_of(user)  # read once per request by every scoped query; not a section's cost
    with CaptureQueriesContext(connection) as queries:
        appointments = patient_appointments(user=user, patient=chart.patient, now=timezone.now())
    assert len(queries) == 2 and len(appointments.past) == 6 and appointments.more_past
    with CaptureQueriesContext(connection) as queries:
        screens, older = chart_screens(user=user, patient=chart.patient)
        [row.screen.created_by for row in screens]
    assert len(queries) == 1 and len(screens) == 6 and older
    with CaptureQueriesContext(connection) as queries:
        program = patient_program_chart(user=user, patient=chart.patient, today=chart.today)
    assert len(queries) == 7  # the worklist row (5), the newest version, the check-ins
    assert program.current == chart.program and len(program.checkins) == 5
    # Front desk gets nothing clinical out of them, whatever the page does.
    desk = world.home.frontdesk
    membership_of(desk)
    assert chart_screens(user=desk, patient=chart.patient) == ([], False)
    assert patient_program_chart(user=desk, patient=chart.patient, today=chart.today).row is None


def test_the_page_says_times_in_the_clinic_zone_at_midnight_utc(client, world, time_machine):
    # 23:30 in New York is 04:30 the next day in UTC; the chart's "today" is New York's.
    time_machine.move_to(datetime(2026, 12, 8, 4, 30, tzinfo=UTC), tick=False)
    chart = Chart(world)
    assert chart.today == date(2026, 12, 7)
    client.force_login(world.home.clinician)
    html = client.get(chart_url(chart.patient)).content.decode()
    assert "Mon 7 Dec 2026</th>" in html  # today's check-in, on the clinic's day
    assert shown(date(2026, 12, 9)) in html and shown(date(2026, 12, 4)) in html


def test_a_first_screen_has_nothing_to_compare_with(client, world):
    make_screen(world.home, performed_on=date(2026, 1, 5))
    client.force_login(world.home.clinician)
    html = client.get(chart_url(world.home.patient_a)).content.decode()
    assert "Mon 5 Jan 2026" in html and "first screen" in html
    assert "Compare with" not in html
