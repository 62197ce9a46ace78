"""Installable and offline (issue 19) in a real browser: the patient's page registers the service
worker, today's drills open without a connection, and a session logged offline is sent once
when the connection returns."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.demo_media import seed_drill_media
from programs.models import SessionItemLog, SessionLog
from tests.browser_support import PHONE, sign_in
from tests.factories import PASSWORD, World
from tests.programs.test_progression_service import one_drill_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_today_opens_offline_and_an_offline_log_arrives_once(open_page):
    world = World.build()
    program = one_drill_program(
        world.home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    page, problems = open_page(PHONE)
    sign_in(page, world.home.patient_a.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Your home program")).to_be_visible()
    # The worker is in charge and has kept the page (asked by offline.js after registering).
    page.wait_for_function(
        "caches.open('groundwork-offline-v1').then(c => c.match('/')).then(r => !!r)"
    )
    page.wait_for_function(
        "caches.open('groundwork-offline-v1').then(c => c.keys()).then(k => k.length > 3)"
    )

    assert problems.errors == []
    page.context.set_offline(True)
    page.reload()
    today = page.get_by_role("list", name=re.compile("^Today, "))
    expect(today.get_by_role("article")).to_have_count(1)
    expect(today).to_contain_text("45 s hold")

    page.locator("input[name=pain_all][value='0']").check()
    page.get_by_text("Easy", exact=True).click()
    page.get_by_role("button", name="Save today's session").click()
    expect(page.locator(".patient-log-status")).to_contain_text("kept on this phone")
    assert not SessionLog.objects.exists()
    # Offline, only requests that could not go out failed (the browser reports them, a moment
    # after the page has heard of it).
    page.wait_for_timeout(1000)
    offline_failures = list(problems.errors)
    assert all(error.startswith("failed: ") for error in offline_failures), offline_failures

    page.context.set_offline(False)
    expect(page.locator(".patient-log-status")).to_contain_text("has been sent", timeout=15_000)
    day = timezone.localdate(timezone=program.clinic.tz)
    log = SessionLog.objects.get(date=day)
    assert log.client_id is not None
    assert SessionItemLog.objects.filter(session=log).count() == 1
    # A reload sends nothing again: the outbox is empty.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert SessionLog.objects.count() == 1
    assert page.evaluate("localStorage.getItem('groundwork-outbox')") == "[]"
    assert problems.errors == offline_failures


def test_todays_drill_pictures_open_offline(open_page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = World.build()
    program = one_drill_program(
        world.home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    seed_drill_media(clinic=program.clinic, admin=world.home.admin)
    page, problems = open_page(PHONE)
    sign_in(page, world.home.patient_a.user.email, PASSWORD)
    picture = page.get_by_role("img", name=re.compile("standing on one leg"))
    expect(picture).to_be_visible()
    src = picture.get_attribute("src")
    assert src.startswith("/media/drills/")
    # The worker keeps the picture the page shows (asked by offline.js with the page's files).
    page.wait_for_function(
        "src => caches.open('groundwork-offline-v1').then(c => c.match(src)).then(r => !!r)",
        arg=src,
    )

    page.context.set_offline(True)
    page.reload()
    picture = page.get_by_role("img", name=re.compile("standing on one leg"))
    picture.scroll_into_view_if_needed()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=picture.element_handle())
    assert problems.errors == []
