"""The caches in front of the database (on in production with Redis, off in the rest of the
suite so query counts stay fixed): cached sessions, cached sign-in users and cached program
items must follow every change at once.

With CI=true these run against Redis (REDIS_URL); without it, against the per-process cache.
"""

import re
from importlib import import_module

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clinic.audit.services import patient_anonymise
from clinic.auth_backend import ClinicModelBackend
from clinic.setup import staff_update
from programs.models import ProgramStatus
from tests.programs.test_me_api import make_program

CACHED_SESSIONS = "django.contrib.sessions.backends.cached_db"


@pytest.fixture(autouse=True)
def empty_cache():
    """Nothing kept from an earlier test or run: ids repeat between test databases."""
    cache.clear()


@pytest.fixture
def cached_users(settings):
    settings.AUTH_USER_CACHE_SECONDS = 300


@pytest.fixture
def cached_items(settings):
    settings.PROGRAM_CACHE_SECONDS = 3600


# --- sign-in users ----------------------------------------------------------------------------
# Outside a transaction (transactional_db): a user is only cached from committed rows.


def test_a_signed_in_user_is_read_once_then_from_the_cache(
    transactional_db, world, cached_users, django_assert_num_queries
):
    backend = ClinicModelBackend()
    with django_assert_num_queries(1):
        first = backend.get_user(world.home.clinician.pk)
    with django_assert_num_queries(0):
        again = backend.get_user(world.home.clinician.pk)
    assert again == first
    assert again.membership.clinic == world.home.clinic


def test_deactivated_staff_are_refused_at_once(transactional_db, world, cached_users):
    backend = ClinicModelBackend()
    assert backend.get_user(world.home.frontdesk.pk) is not None  # now cached
    staff_update(
        membership=world.home.frontdesk.membership,
        acting_user=world.home.admin,
        role="front_desk",
        title="",
        is_active=False,
    )
    assert backend.get_user(world.home.frontdesk.pk) is None


def test_patient_clinic_and_password_changes_reach_the_cached_user(
    transactional_db, world, cached_users
):
    backend = ClinicModelBackend()
    patient = world.home.patient_a
    backend.get_user(patient.user.pk)
    patient.first_name = "Renamed"
    patient.save()
    world.home.clinic.name = "Renamed clinic"
    world.home.clinic.save()
    fresh = backend.get_user(patient.user.pk)
    assert fresh.patient_profile.first_name == "Renamed"
    assert fresh.patient_profile.clinic.name == "Renamed clinic"
    user = fresh
    user.set_password("a-new-long-password-2026")
    user.save()
    assert backend.get_user(patient.user.pk).password == user.password


def test_a_password_change_signs_out_other_browsers_with_cached_users(
    transactional_db, world, cached_users, settings
):
    settings.SESSION_ENGINE = CACHED_SESSIONS
    user = world.home.patient_a.user
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        browser.force_login(user)
        assert browser.get(reverse("home")).status_code == 200
    user.set_password("a-new-long-password-2026")
    user.save()
    assert laptop.get(reverse("home")).status_code == 302  # to the sign-in page


# --- sessions -----------------------------------------------------------------------------------


def test_anonymising_a_patient_removes_their_cached_sessions(transactional_db, world, settings):
    settings.SESSION_ENGINE = CACHED_SESSIONS
    store = import_module(settings.SESSION_ENGINE).SessionStore
    phone = Client()
    phone.force_login(world.home.patient_a.user)
    key = phone.cookies[settings.SESSION_COOKIE_NAME].value
    assert store(session_key=key).load()  # in the cache and the database
    patient_anonymise(user=world.home.admin, patient=world.home.patient_a)
    assert not store(session_key=key).exists(key)
    assert store(session_key=key).load() == {}


# --- program items --------------------------------------------------------------------------
# Also committed (transactional_db): nothing is shared from inside a write transaction.


@pytest.fixture
def patient_browser(world):
    browser = Client()
    browser.force_login(world.home.patient_a.user)
    return browser


def test_program_items_come_from_the_cache_until_the_program_changes(
    transactional_db, world, cached_items, patient_browser, django_assert_max_num_queries
):
    program = make_program(world.home, items=3)
    first = patient_browser.get("/api/v1/me/program/").json()
    with django_assert_max_num_queries(3) as seen:  # session, user, program
        again = patient_browser.get("/api/v1/me/program/").json()
    assert not any("programitem" in query["sql"] for query in seen.captured_queries)
    assert again == first
    # A red flag pauses the program: the next read shows it at once.
    response = patient_browser.post(
        "/api/v1/me/red-flags/", {"red_flags": ["sudden_pop"]}, content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    body = patient_browser.get("/api/v1/me/program/").json()
    assert body["id"] == program.pk
    assert body["status"] == ProgramStatus.PAUSED


def test_a_drill_edit_reaches_cached_programs_and_the_patient_page(
    transactional_db, world, cached_items, patient_browser
):
    program = make_program(world.home, items=1)
    drill = program.items.get().drill
    assert patient_browser.get("/api/v1/me/program/").json()["items"][0]["instructions"] == (
        drill.instructions
    )
    patient_browser.get(reverse("home"))  # caches the page's day part too
    drill.instructions = ["Stand tall by a wall.", "Rise onto your toes slowly."]
    drill.save()
    item = patient_browser.get("/api/v1/me/program/").json()["items"][0]
    assert item["instructions"] == drill.instructions
    page = patient_browser.get(reverse("home")).content.decode()
    assert "Rise onto your toes slowly." in page


def test_a_new_version_replaces_the_cached_items(
    transactional_db, world, cached_items, patient_browser
):
    old = make_program(world.home, items=2)
    assert len(patient_browser.get("/api/v1/me/program/").json()["items"]) == 2
    old.status = ProgramStatus.SUPERSEDED
    old.save()
    new = make_program(world.home, items=4, version=2)
    body = patient_browser.get("/api/v1/me/program/").json()
    assert (body["id"], len(body["items"])) == (new.pk, 4)


# --- the second factor ------------------------------------------------------------------------


def test_the_verified_device_is_read_once_and_a_removed_device_stops_counting(
    transactional_db, world, cached_users, settings, django_assert_max_num_queries
):
    from tests.clinic.test_two_factor import confirmed_device, current_code, sign_in

    settings.STAFF_TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = world.home.clinician
    device = confirmed_device(user)
    browser = Client()
    sign_in(browser, user)
    verified = browser.post(
        reverse("two_factor_verify"), {"code": current_code(device, 1), "next": "/patients/"}
    )
    assert verified.status_code == 302
    assert browser.get(reverse("patient_list")).status_code == 200  # caches user and device
    with django_assert_max_num_queries(4) as seen:  # session, patient list and its count
        assert browser.get(reverse("patient_list")).status_code == 200
    assert not any("otp_totp" in query["sql"] for query in seen.captured_queries)
    device.delete()  # e.g. the clinic admin reset the staff member's authenticator
    response = browser.get(reverse("patient_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(
        (reverse("two_factor_setup"), reverse("two_factor_verify"))
    )


# --- the patient's progress -------------------------------------------------------------------


def test_progress_on_the_patient_page_follows_logs_and_check_ins(
    transactional_db, world, cached_items, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from programs.models import SessionItemLog, SessionLog

    program = make_program(world.home, items=2)
    today = timezone.localdate(timezone=world.home.clinic.tz)
    yesterday = SessionLog.objects.create(
        patient=world.home.patient_a, program=program, date=today - timedelta(days=1)
    )
    SessionItemLog.objects.create(
        session=yesterday,
        program_item=program.items.first(),
        completed_sets=3,
        pain_during=2,
        difficulty=5,
    )
    browser = Client()
    browser.force_login(world.home.patient_a.user)
    page = browser.get(reverse("home")).content.decode()
    assert 'id="checkin-h"' in page  # yesterday's session is waiting for its check-in
    with django_assert_max_num_queries(4):  # session, user, program, upcoming appointments
        browser.get(reverse("home"))
    answer = browser.post(
        "/api/v1/me/checkins/",
        {
            "date": today.isoformat(),
            "pain_next_morning": 1,
            "soreness_hours": 0,
            "red_flags": [],
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert 'id="checkin-h"' not in browser.get(reverse("home")).content.decode()
    items = [
        {"program_item": item.pk, "completed_sets": 3, "pain_during": 6, "difficulty": 5}
        for item in program.items.all()
    ]
    logged = browser.post(
        "/api/v1/me/sessions/",
        {"date": today.isoformat(), "items": items},
        content_type="application/json",
    )
    assert logged.status_code == 201, logged.content
    assert "latest: 6.0/10" in browser.get(reverse("home")).content.decode()


# --- the patient's page and program API -------------------------------------------------------


@pytest.fixture
def cached_patient_views(settings):
    settings.AUTH_USER_CACHE_SECONDS = 300
    settings.PROGRAM_CACHE_SECONDS = 3600
    settings.BOOKING_CACHE_SECONDS = 3600


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _appointment(home, start):
    from datetime import UTC, timedelta

    from clinic.booking.models import Appointment
    from tests import factories as f

    kind = f.AppointmentTypeFactory(clinic=home.clinic, name="Gait retest")
    return Appointment.objects.create(
        clinic=home.clinic,
        patient=home.patient_a,
        clinician=home.clinician,
        appointment_type=kind,
        start=start,
        end=start.astimezone(UTC) + timedelta(minutes=45),
    )


def test_once_cached_the_patient_page_and_api_read_no_program_or_appointment_row(
    transactional_db, world, cached_patient_views, patient_browser, django_assert_max_num_queries
):
    make_program(world.home, items=3)
    first_page = patient_browser.get(reverse("home")).content.decode()
    first_api = patient_browser.get("/api/v1/me/program/").json()
    with django_assert_max_num_queries(1) as page_queries:  # the session (database sessions)
        page = patient_browser.get(reverse("home")).content.decode()
    with django_assert_max_num_queries(1) as api_queries:
        assert patient_browser.get("/api/v1/me/program/").json() == first_api
    for tables in (_tables(page_queries), _tables(api_queries)):
        assert "programs_" not in tables and "booking_" not in tables
    # The same page, but for the per-request CSRF tokens.
    token = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*')
    assert token.sub("", page) == token.sub("", first_page)


def test_bookings_cancellations_and_started_appointments_reach_the_cached_page(
    transactional_db, world, cached_patient_views, patient_browser, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from clinic.booking import services as booking

    make_program(world.home, items=1)
    assert "None booked." in patient_browser.get(reverse("home")).content.decode()
    appointment = _appointment(world.home, timezone.now() + timedelta(days=1))
    assert "Gait retest" in patient_browser.get(reverse("home")).content.decode()
    booking.appointment_cancel(appointment=appointment, reason="Feeling better")
    assert "None booked." in patient_browser.get(reverse("home")).content.decode()
    _appointment(world.home, timezone.now() + timedelta(hours=2))
    assert "Gait retest" in patient_browser.get(reverse("home")).content.decode()
    # Three hours later it has begun: the kept list is read again, without it.
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr("clinic.views.timezone.now", lambda: later)
    assert "None booked." in patient_browser.get(reverse("home")).content.decode()


def test_publishing_a_new_version_reaches_the_cached_page_and_api(
    transactional_db, world, cached_patient_views, patient_browser
):
    from programs.services import program_publish

    make_program(world.home, items=2)
    assert "Version 1" in patient_browser.get(reverse("home")).content.decode()
    assert len(patient_browser.get("/api/v1/me/program/").json()["items"]) == 2
    draft = make_program(world.home, items=4, version=2, status=ProgramStatus.DRAFT)
    program_publish(user=world.home.clinician, program=draft)  # writes with update()
    assert "Version 2" in patient_browser.get(reverse("home")).content.decode()
    body = patient_browser.get("/api/v1/me/program/").json()
    assert (body["id"], len(body["items"])) == (draft.pk, 4)


def test_a_patient_never_gets_another_patients_cached_page(
    transactional_db, world, cached_patient_views, patient_browser
):
    make_program(world.home, items=2)
    make_program(world.home, world.home.patient_b, items=5)
    mine = patient_browser.get("/api/v1/me/program/").json()
    patient_browser.get(reverse("home"))
    other = Client()
    other.force_login(world.home.patient_b.user)
    theirs = other.get("/api/v1/me/program/").json()
    assert (len(mine["items"]), len(theirs["items"])) == (2, 5)
    assert f"Hi {world.home.patient_b.first_name}" in other.get(reverse("home")).content.decode()


def test_building_a_draft_drops_the_patients_cached_progress(transactional_db, world, cached_items):
    """The build writes with plain INSERTs (no signals): it drops the patient's cached
    progress and program views itself."""
    from django.core.cache import cache

    from programs import services
    from programs.selectors import PROGRESS_GENERATION
    from tests.programs.conftest import make_screen

    screen = make_screen(world.home, knee_to_wall_cm_left=7.5)
    key = PROGRESS_GENERATION.format(screen.patient_id)
    cache.set(key, "before the build")
    services.program_build_from_screen(user=world.home.clinician, screen=screen)
    assert cache.get(key) is None
