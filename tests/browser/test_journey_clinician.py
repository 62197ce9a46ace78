"""Journey 1 in a real browser: a clinician screens a runner and turns it into a program.

Sign in, open a patient, enter a full screen (both sides, gait, history), get one value wrong,
see the error with every other value kept, fix it, save, read the findings and the chart
against the previous screen, build a program, remove a drill, re-dose one (a bad dose first),
publish.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Screen
from clinic.models import Patient
from programs.models import Program, ProgramStatus
from tests.browser_support import DESK, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Daniel Reyes has one earlier demo screen (knee-to-wall 12.5 / 12.0, heel raise 25 / 27).
SIDES = {
    "knee_to_wall_cm": ("7.5", "11.5"),
    "heel_raise_reps": ("14", "27"),
    "balance_eyes_open_s": ("21", "44"),
    "balance_eyes_closed_s": ("4", "9"),
    "y_balance_anterior_cm": ("57", "63"),
    "navicular_drop_mm": ("11", "7"),
    "foot_posture_index": ("7", "4"),
    "hallux_extension_deg": ("58", "70"),
    "heel_raise_pain": ("4", "1"),
}
PASS_FAIL = {"short_foot": ("fail", "pass"), "toe_yoga": ("fail", "pass")}


def _fill_screen(page) -> None:
    page.get_by_label("Pain today").fill("3")
    for key, (left, right) in SIDES.items():
        page.locator(f"[name={key}_left]").fill(left)
        page.locator(f"[name={key}_right]").fill(right)
    for key, (left, right) in PASS_FAIL.items():
        page.locator(f"[name={key}_left]").select_option(left)
        page.locator(f"[name={key}_right]").select_option(right)
    # Gait.
    page.get_by_label("Cadence").fill("158")
    page.get_by_label("Speed").fill("10.5")
    page.get_by_label("Overstride").select_option("true")
    page.locator("[name=heel_lift]").select_option("early")
    page.get_by_label("Foot strike, left").select_option("heel")
    page.get_by_label("Foot strike, right").select_option("heel")
    page.locator("[name=arch_collapse_left]").select_option("true")
    page.locator("[name=arch_collapse_right]").select_option("false")
    # History.
    page.get_by_label("Injury 1, condition").select_option("achilles_midportion")
    page.get_by_label("Injury 1, side").select_option("left")
    page.get_by_label("Injury 1, status").select_option("current")
    page.locator("[name=visa_a]").fill("61")
    page.get_by_label("Notes").fill("Left mid-portion Achilles pain, 8 weeks, 25 km/week.")


def _expect_typed_values_kept(page) -> None:
    for key, (left, right) in SIDES.items():
        expect(page.locator(f"[name={key}_left]")).to_have_value(left)
        expect(page.locator(f"[name={key}_right]")).to_have_value(right)
    for key, (left, right) in PASS_FAIL.items():
        expect(page.locator(f"[name={key}_left]")).to_have_value(left)
        expect(page.locator(f"[name={key}_right]")).to_have_value(right)
    expect(page.get_by_label("Speed")).to_have_value("10.5")
    expect(page.get_by_label("Overstride")).to_have_value("true")
    expect(page.locator("[name=heel_lift]")).to_have_value("early")
    expect(page.get_by_label("Foot strike, left")).to_have_value("heel")
    expect(page.get_by_label("Injury 1, condition")).to_have_value("achilles_midportion")
    expect(page.get_by_label("Injury 1, side")).to_have_value("left")
    expect(page.locator("[name=visa_a]")).to_have_value("61")
    expect(page.get_by_label("Notes")).to_have_value(re.compile("25 km/week"))


def test_clinician_screens_a_runner_and_publishes_a_program(open_page):
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.get(first_name="Daniel", last_name="Reyes")
    screens_before = Screen.objects.filter(patient=patient).count()
    page, problems = open_page(DESK)

    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("link", name="Patients").first.click()
    page.get_by_label("Search patients").fill("Reyes")
    # The list is filtered in place and the address updated once the search answered.
    expect(page).to_have_url(re.compile(r"[?&]q=Reyes"))
    expect(page.locator("#patient-rows tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Daniel Reyes").click()
    expect(page.get_by_role("heading", name="Daniel Reyes", level=1)).to_be_visible()
    check_page(page, "journey1-01-patient")

    page.get_by_role("button", name="New screen").click()
    expect(page.get_by_role("heading", name="New screen")).to_be_visible()
    _fill_screen(page)
    # One slip of the finger: a cadence no runner has.
    page.get_by_label("Cadence").fill("1580")
    page.get_by_role("button", name="Save screen").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved")
    expect(alert).to_contain_text("1 marked value")
    expect(page.locator(".error").first).to_be_visible()
    expect(page.get_by_label("Cadence")).to_have_value("1580")
    _expect_typed_values_kept(page)
    assert Screen.objects.filter(patient=patient).count() == screens_before
    check_page(page, "journey1-02-screen-error")

    page.get_by_label("Cadence").fill("158")
    page.get_by_role("button", name="Save screen").click()
    expect(page.get_by_role("heading", name=re.compile("^Screen of "))).to_be_visible()
    assert Screen.objects.filter(patient=patient).count() == screens_before + 1

    findings = page.locator("ul.findings")
    expect(findings).to_contain_text("Left")
    expect(page.get_by_role("heading", name="Change since the previous screen")).to_be_visible()
    expect(page.locator("ul.changes")).to_contain_text("Knee-to-wall")
    # The chart of both screens is drawn (Chart.js renders into a canvas).
    expect(page.locator("[data-screen-charts] canvas").first).to_be_visible()
    check_page(page, "journey1-03-screen-findings")

    page.get_by_role("button", name="Build program").click()
    expect(page.get_by_role("heading", name=re.compile("program version"))).to_be_visible()
    program = Program.objects.filter(patient=patient).latest("pk")
    assert program.status == ProgramStatus.DRAFT
    items = list(program.items.select_related("drill").order_by("order"))
    assert len(items) >= 2
    check_page(page, "journey1-04-program-draft")

    # Remove the first drill (the page asks first).
    removed = items[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("article.program-item", has_text=removed.drill.name).get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.locator("article.program-item", has_text=removed.drill.name)).to_have_count(0)
    assert not program.items.filter(pk=removed.pk).exists()

    # Re-dose the next one: a bad number of sets first, then a good dose.
    item = items[1]
    card = page.locator("article.program-item", has_text=item.drill.name)
    card.get_by_text("Change dose").click()
    card.get_by_label("Sets").fill("12")
    card.get_by_label("Days per week").fill("4")
    card.get_by_role("button", name="Save dose").click()
    card = page.locator("article.program-item", has_text=item.drill.name)
    expect(card.get_by_label("Sets")).to_be_visible()
    expect(card).to_contain_text("less than or equal to 10")
    expect(card.get_by_label("Sets")).to_have_value("12")
    expect(card.get_by_label("Days per week")).to_have_value("4")
    item.refresh_from_db()
    assert item.sets != 12
    check_page(page, "journey1-05-dose-error")

    card.get_by_label("Sets").fill("4")
    card.get_by_role("button", name="Save dose").click()
    expect(page.get_by_text("Draft updated.")).to_be_visible()
    item.refresh_from_db()
    assert (item.sets, item.days_per_week) == (4, 4)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish to the patient").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED
    check_page(page, "journey1-06-program-published")

    assert problems.errors == []
