"""Issue 19 on a 390 x 844 phone: today's drill shows its picture, and the program prints (a page
of its own, no navigation) and downloads as a PDF."""

import re

import pytest
from playwright.sync_api import expect

from programs.demo_media import seed_drill_media
from tests.browser_support import PHONE, check_page, sign_in
from tests.factories import PASSWORD, World
from tests.programs.test_progression_service import one_drill_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_today_shows_the_drill_picture_and_the_program_prints_and_downloads(open_page):
    world = World.build()
    seed_drill_media(clinic=world.home.clinic, admin=world.home.admin)
    one_drill_program(
        world.home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    page, problems = open_page(PHONE)
    sign_in(page, world.home.patient_a.user.email, PASSWORD)
    today = page.get_by_role("list", name=re.compile("^Today, "))
    picture = today.locator("figure.drill-media img").first
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    assert picture.get_attribute("alt")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    check_page(page, "patient-today-media")

    page.get_by_role("link", name="Print my program").click()
    expect(page.locator("body.printout")).to_be_visible()
    expect(page.locator("nav")).to_have_count(0)  # no navigation, no staff menu
    expect(page.locator("img").first).to_be_visible()
    check_page(page, "patient-printout")

    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")
    assert problems.errors == []
