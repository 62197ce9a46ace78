"""The screen page's cached parts (assessments.page_cache) follow every write they show, while
the clinic check and the access record still happen on every request.

Outside a transaction (transactional_db): a page is only cached from committed rows. With
REDIS_URL set these run against Redis, otherwise against the per-process cache. Each test
compares the cached page with the page built without the cache after the write.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import page_cache, services
from assessments.models import Screen
from clinic.audit.models import AccessEvent
from clinic.audit.services import patient_anonymise
from tests.assessments.conftest import make_screen

_CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


@pytest.fixture
def cached_pages(settings):
    cache.clear()
    settings.SCREEN_CACHE_SECONDS = 3600
    return settings


@pytest.fixture
def clinician(world):
    browser = Client()
    browser.force_login(world.home.clinician)
    return browser


def _page(browser, screen) -> str:
    response = browser.get(reverse("screen_detail", args=[screen.pk]))
    assert response.status_code == 200
    return _CSRF.sub("", response.content.decode())


def _fresh(browser, screen, settings) -> str:
    """The page as built without the cache."""
    settings.SCREEN_CACHE_SECONDS = 0
    try:
        return _page(browser, screen)
    finally:
        settings.SCREEN_CACHE_SECONDS = 3600


def _check_follows(browser, screen, settings, write, *, shows: str = "") -> None:
    """`write()` changes the page; the next cached read shows the page as it now is."""
    before = _page(browser, screen)
    _page(browser, screen)  # from the cache
    write()
    after = _page(browser, screen)
    assert after != before
    assert after == _fresh(browser, screen, settings)
    assert shows in after


def test_the_page_is_read_from_the_cache_until_a_write_it_shows(
    transactional_db, world, cached_pages, clinician, django_assert_max_num_queries
):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, notes="First note")
    first = _page(clinician, screen)
    # A write that bypasses the signals is not seen: the page comes from the cache.
    Screen.objects.filter(pk=screen.pk).update(notes="Unseen note")
    with django_assert_max_num_queries(5) as seen:  # session, user, membership, check, record
        again = _page(clinician, screen)
    assert again == first
    assert "Unseen note" not in again
    assert not any("screenchange" in q["sql"] for q in seen.captured_queries)
    assert "Unseen note" in _fresh(clinician, screen, cached_pages)


def test_every_read_is_checked_and_recorded_even_from_the_cache(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home)
    url = reverse("screen_detail", args=[screen.pk])
    for _ in range(3):
        assert clinician.get(url).status_code == 200
    views = AccessEvent.objects.filter(object_type="screen", object_id=screen.pk)
    assert views.count() == 3
    assert set(views.values_list("actor_id", "clinic_id", "patient_id", "action")) == {
        (world.home.clinician.pk, world.home.clinic.pk, screen.patient_id, "view")
    }
    assert all(view.created_at for view in views)
    other = Client()
    other.force_login(world.other.clinician)
    assert other.get(url).status_code == 404
    desk = Client()
    desk.force_login(world.home.frontdesk)
    assert desk.get(url).status_code == 403
    for missing in (screen.pk + 1000, 10**30):
        assert clinician.get(f"/screens/{missing}/").status_code == 404
    assert views.count() == 3
    assert AccessEvent.objects.count() == 3


def test_an_edit_of_the_screen_shows_with_its_change_log(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5)
    _check_follows(
        clinician,
        screen,
        cached_pages,
        lambda: services.screen_update(
            user=world.home.admin, screen=screen, knee_to_wall_cm_left="11.5"
        ),
        shows="Change log (1)",
    )


def test_the_later_screen_follows_its_previous_screen(
    transactional_db, world, cached_pages, clinician
):
    earlier = make_screen(world.home, performed_on="2026-09-01", knee_to_wall_cm_left=6)
    later = make_screen(world.home, performed_on="2026-10-01", knee_to_wall_cm_left=11)
    _check_follows(
        clinician,
        later,
        cached_pages,
        lambda: services.screen_update(
            user=world.home.clinician, screen=earlier, knee_to_wall_cm_left="10.5"
        ),
    )
    # A screen entered between them becomes the one compared with.
    between = make_screen(world.home, performed_on="2026-09-15", knee_to_wall_cm_left=8)
    page = _page(clinician, later)
    assert reverse("screen_detail", args=[between.pk]) in page
    assert page == _fresh(clinician, later, cached_pages)


def test_a_new_screen_of_the_patient_reaches_the_chart_of_the_older_one(
    transactional_db, world, cached_pages, clinician
):
    first = make_screen(world.home, performed_on="2026-09-01", knee_to_wall_cm_left=6)
    assert "A chart appears once the patient has a second screen." in _page(clinician, first)
    _check_follows(
        clinician,
        first,
        cached_pages,
        lambda: make_screen(world.home, performed_on="2026-10-01", knee_to_wall_cm_left=9),
        shows="data-screen-charts",
    )


def test_a_deleted_screen_is_gone_at_once(transactional_db, world, cached_pages, clinician):
    screen = make_screen(world.home)
    url = reverse("screen_detail", args=[screen.pk])
    _page(clinician, screen)
    screen.delete()
    assert clinician.get(url).status_code == 404


def test_the_clinics_thresholds_reach_the_findings(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home, knee_to_wall_cm_left=9.0, knee_to_wall_cm_right=9.5)
    _check_follows(
        clinician,
        screen,
        cached_pages,
        lambda: services.clinic_thresholds_set(
            user=world.home.admin,
            clinic=world.home.clinic,
            overrides={"wblt.restricted_cm": 9.0, "wblt.marked_cm": 5.0},
        ),
    )


def test_the_clinics_time_zone_reaches_the_times_shown(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home)
    clinic = world.home.clinic

    def move():
        clinic.time_zone = "Asia/Tokyo"
        clinic.save()

    _check_follows(clinician, screen, cached_pages, move)


def test_a_change_of_the_patient_shows_at_once(transactional_db, world, cached_pages, clinician):
    screen = make_screen(world.home)
    patient = world.home.patient_a

    def rename():
        patient.first_name = "Renamed"
        patient.save()

    _check_follows(clinician, screen, cached_pages, rename, shows="Renamed")


def test_anonymising_the_patient_starts_new_pages(transactional_db, world, cached_pages, clinician):
    screen = make_screen(world.home, notes="Runs with her sister Alma")
    patient = world.home.patient_a
    _page(clinician, screen)
    key = page_cache.PATIENT_GENERATION.format(patient.pk)
    generation = cache.get(key)
    assert generation is not None
    patient_anonymise(user=world.home.admin, patient=patient)  # update()s: no signals
    assert cache.get(key) is None


def test_the_page_of_an_anonymised_patient_has_neither_name_nor_notes(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home, notes="Runs with her sister Alma")
    patient = world.home.patient_a
    name = patient.full_name
    _check_follows(
        clinician,
        screen,
        cached_pages,
        lambda: patient_anonymise(user=world.home.admin, patient=patient),
        shows="Anonymised",
    )
    page = _page(clinician, screen)
    assert name not in page
    assert "Alma" not in page
    assert "None years" not in page  # the date of birth is gone: no age is shown


def test_a_staff_members_new_name_shows_as_who_entered_the_screen(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home)
    author = world.home.clinician

    def rename():
        author.full_name = "Dr Renamed Author"
        author.save()

    _check_follows(clinician, screen, cached_pages, rename, shows="Dr Renamed Author")


def test_signing_in_keeps_the_cached_pages(transactional_db, world, cached_pages, clinician):
    screen = make_screen(world.home)
    _page(clinician, screen)
    generation = cache.get(page_cache.STAFF_GENERATION)
    assert generation is not None
    update_last_login(None, world.home.admin)  # what signing in does
    assert cache.get(page_cache.STAFF_GENERATION) == generation


def test_the_age_shown_is_the_days_in_the_clinic(
    transactional_db, world, cached_pages, clinician, time_machine
):
    # 23:55 in New York, the clinic's zone, is already the next day, the birthday, in UTC.
    time_machine.move_to(dt.datetime(2026, 12, 8, 4, 55, tzinfo=dt.UTC))
    patient = world.home.patient_a
    patient.date_of_birth = dt.date(1996, 12, 8)
    patient.save()
    screen = make_screen(world.home)
    assert "29 years" in _page(clinician, screen)
    time_machine.move_to(dt.datetime(2026, 12, 8, 5, 5, tzinfo=dt.UTC))  # past midnight there
    page = _page(clinician, screen)
    assert "30 years" in page
    assert page == _fresh(clinician, screen, cached_pages)


def test_nothing_is_kept_from_inside_a_transaction(
    transactional_db, world, cached_pages, clinician
):
    screen = make_screen(world.home)
    today = timezone.localdate(timezone=world.home.clinic.tz)
    key = page_cache.PAGE.format(screen=screen.pk, today=today.isoformat())
    with transaction.atomic():
        _page(clinician, screen)
    assert cache.get(key) is None
    _page(clinician, screen)
    assert cache.get(key) is not None
