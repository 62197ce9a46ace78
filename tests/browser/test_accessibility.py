"""Accessibility of every patient and public page (issue 19) on a 390x844 phone.

axe-core finds no serious or critical issue on any of them, every control a finger taps is at
least 44 px high (or its label is), and a form sent back with errors announces them: the error
text's id is the one the input's aria-describedby names, and it is an alert.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from assessments.models import QuestionnaireAssignment
from clinic.booking import forms as booking_forms
from clinic.booking import waitlist
from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.booking.services import manage_token, request_token
from clinic.magic_links import make_token
from clinic.notifications.preferences import unsubscribe_token
from programs.demo_media import seed_drill_media
from tests.browser_support import PHONE, check_page, sign_in
from tests.factories import PASSWORD, AppointmentTypeFactory, World, appointment, working_week
from tests.programs.test_progression_service import one_drill_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 44

# Every visible control a finger taps; a radio or checkbox counts through its label, and any
# control may be made tall enough by the label it sits in.
SMALL_TARGETS = """(min) => {
  const visible = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '');
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text.trim().slice(0, 40)}"`;
  };
  const tall = (el) => el && visible(el) && el.getBoundingClientRect().height >= min - 0.5;
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, summary, textarea'
  );
  const small = [];
  for (const el of controls) {
    if (el.closest('[aria-hidden=true], .visually-hidden')) continue;
    const box = ['radio', 'checkbox'].includes(el.type);
    if (!box && !visible(el)) continue;
    if (tall(el)) continue;
    const labels = [...(el.labels || [])];
    if (labels.some(tall)) continue;
    if (box && !visible(el) && !labels.some(visible)) continue;
    const h = Math.round((box && labels[0] ? labels[0] : el).getBoundingClientRect().height);
    small.push(`${name(el)} ${h}px`);
  }
  return small;
}"""


def assert_targets(page, name: str) -> None:
    small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
    assert small == [], f"{name}: touch targets under {MIN_TARGET} px: {small}"


# What sticks out sideways, to say so when a page is wider than the phone.
WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def assert_fits(page, name: str) -> None:
    """No sideways scrolling on the phone: the page is no wider than the screen (issue 19)."""
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{name}: wider than the screen: {page.evaluate(WIDER)}"


def check(page, name: str) -> None:
    """Screenshot (var/screenshots/a11y-<name>.png), axe, 44 px targets, no overflow."""
    check_page(page, f"a11y-{name}")
    assert_targets(page, name)
    assert_fits(page, name)


def assert_error_announced(page, field_selector: str) -> None:
    """The field names its error by aria-describedby, and the error is announced."""
    field = page.locator(field_selector)
    expect(field).to_have_attribute("aria-invalid", "true")
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [i for i in described if page.locator(f"[id='{i}'].error").count()]
    assert errors, f"{field_selector}: aria-describedby {described} names no error element"
    error = page.locator(f"[id='{errors[0]}']")
    expect(error).to_be_visible()
    assert error.inner_text().strip()
    announced = error.evaluate(
        "e => e.getAttribute('role') === 'alert' || !!e.closest('[aria-live], [role=alert]')"
    )
    assert announced, f"{field_selector}: the error is not in an alert or live region"


def _next_weekday(clinic, days_ahead: int):
    day = clinic.today() + timedelta(days=days_ahead)
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


@pytest.fixture
def clinic_world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = World.build()
    home = world.home
    program = one_drill_program(
        home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    seed_drill_media(clinic=home.clinic, admin=home.admin)
    kind = AppointmentTypeFactory(clinic=home.clinic)
    kind.clinicians.add(home.clinician)
    working_week(home.clinic, home.clinician)
    visit = appointment(
        clinic=home.clinic,
        patient=home.patient_a,
        clinician=home.clinician,
        kind=kind,
        day=_next_weekday(home.clinic, 14),
        hour=10,
    )
    held_start = visit.start + timedelta(hours=3)
    held = Appointment.objects.create(
        clinic=home.clinic,
        patient=None,
        status=AppointmentStatus.PENDING,
        clinician=home.clinician,
        appointment_type=kind,
        start=held_start,
        end=held_start + timedelta(minutes=kind.duration_minutes),
    )
    waiting = BookingRequest.objects.create(
        clinic=home.clinic,
        appointment=held,
        patient=home.patient_a,
        name="Ada Home",
        email=home.patient_a.email,
        expires_at=timezone.now() + timedelta(hours=24),
    )
    offered_day = _next_weekday(home.clinic, 7)
    offered_start = datetime.combine(offered_day, time(15), tzinfo=home.clinic.tz)
    entry = WaitlistEntry.objects.create(
        clinic=home.clinic,
        appointment_type=kind,
        earliest=offered_start - timedelta(days=1),
        latest=offered_start + timedelta(days=1),
        name="Ada Home",
        email=home.patient_a.email,
        patient=home.patient_a,
        status="offered",
    )
    offer = WaitlistOffer.objects.create(
        clinic=home.clinic, entry=entry, clinician=home.clinician, start=offered_start
    )
    assignment = QuestionnaireAssignment.objects.create(
        patient=home.patient_a,
        clinic=home.clinic,
        instrument="lefs",
        status="pending",
        due_on=home.clinic.today(),
        source="intake",
    )
    return {
        "world": world,
        "program": program,
        "kind": kind,
        "visit_day": visit.start.astimezone(home.clinic.tz).date(),
        "manage": manage_token(visit),
        "request": request_token(waiting),
        "offer": waitlist.offer_token(offer),
        "questionnaire": assignment.pk,
        "magic": make_token(home.patient_b.user),
        "unsubscribe": unsubscribe_token(patient=home.patient_a, channel="email"),
        "reset": (
            f"{urlsafe_base64_encode(force_bytes(home.patient_b.user.pk))}/"
            f"{default_token_generator.make_token(home.patient_b.user)}"
        ),
    }


def test_every_patient_page_passes_axe_and_has_44px_targets(open_page, clinic_world):
    patient = clinic_world["world"].home.patient_a
    page, problems = open_page(PHONE)
    sign_in(page, patient.user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Your home program")).to_be_visible()
    check(page, "patient-home")
    pages = {
        "patient-questionnaires": "/me/questionnaires/",
        "patient-questionnaire": f"/me/questionnaires/{clinic_world['questionnaire']}/",
        "patient-runs": "/me/runs/",
        "patient-self-tests": "/me/self-tests/",
        "patient-messages": "/notifications/preferences/",
        "patient-print": "/me/program/print/",
        "patient-password": "/password/change/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        check(page, name)
    assert problems.errors == [], problems.errors


def test_every_public_page_passes_axe_and_has_44px_targets(open_page, clinic_world):
    kind = clinic_world["kind"]
    page, problems = open_page(PHONE)
    day = clinic_world["visit_day"]
    pages = {
        "public-login": "/login/",
        "public-magic-link": "/login/link/",
        "public-book": "/book/?clinic=home",
        "public-book-times": f"/book/?clinic=home&type={kind.slug}&date={day.isoformat()}",
        # A Saturday: no free time, so the waitlist form is offered.
        "public-book-no-slot": (
            f"/book/?clinic=home&type={kind.slug}"
            f"&date={(day + timedelta(days=(5 - day.weekday()) % 7)).isoformat()}"
        ),
        "public-waitlist": "/book/waitlist/?clinic=home",
        "public-done": f"/book/done/{clinic_world['manage']}/",
        "public-manage": f"/book/manage/{clinic_world['manage']}/",
        "public-request-confirm": f"/book/confirm/{clinic_world['request']}/",
        "public-waitlist-offer": f"/book/waitlist/{clinic_world['offer']}/",
        "public-password-reset": "/password/reset/",
        "public-password-reset-sent": "/password/reset/sent/",
        "public-password-reset-confirm": f"/password/reset/{clinic_world['reset']}/",
        "public-magic-link-landing": f"/login/link/{clinic_world['magic']}/",
        "public-unsubscribe": f"/notifications/unsubscribe/{clinic_world['unsubscribe']}/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        check(page, name)
    # The no-slot day does offer the waitlist (so the page above checked its form).
    page.goto(pages["public-book-no-slot"])
    expect(page.get_by_role("button", name="Join the waitlist")).to_be_visible()
    assert problems.errors == [], problems.errors


def test_the_public_pages_in_spanish_pass_axe_after_the_switch(open_page, clinic_world):
    """The header's language switch works without script help and every public booking page
    it turns Spanish still passes axe, with 44 px targets (longer words, same layout)."""
    kind = clinic_world["kind"]
    day = clinic_world["visit_day"]
    page, problems = open_page(PHONE)
    page.goto("/book/?clinic=home")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name="Reserva en Home Clinic")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-current", "true")
    check(page, "public-book-es")
    pages = {
        "public-book-times-es": f"/book/?clinic=home&type={kind.slug}&date={day.isoformat()}",
        "public-waitlist-es": "/book/waitlist/?clinic=home",
        "public-done-es": f"/book/done/{clinic_world['manage']}/",
        "public-manage-es": f"/book/manage/{clinic_world['manage']}/",
        "public-request-confirm-es": f"/book/confirm/{clinic_world['request']}/",
        "public-waitlist-offer-es": f"/book/waitlist/{clinic_world['offer']}/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "es", url
        check(page, name)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Book this time")).to_be_visible()
    assert problems.errors == [], problems.errors


def test_public_booking_errors_are_announced_and_named_by_the_inputs(
    open_page, clinic_world, monkeypatch
):
    monkeypatch.setattr(booking_forms, "MIN_FILL_SECONDS", 0)
    kind = clinic_world["kind"]
    day = clinic_world["visit_day"]
    page, problems = open_page(PHONE)
    page.goto(f"/book/?clinic=home&type={kind.slug}&date={day.isoformat()}")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    assert_error_announced(page, "#id_email")
    assert_error_announced(page, "#id_name")
    # No time was chosen: the group of times names the alert that says so.
    times = page.get_by_role("group", name=re.compile("^3. Time on"))
    alert = page.locator(f"[id='{times.get_attribute('aria-describedby')}']")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("Choose a time")
    check(page, "public-book-errors")

    # The waitlist form on a day with no free time, sent empty.
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    page.goto(f"/book/?clinic=home&type={kind.slug}&date={saturday.isoformat()}")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator("[role=alert]").first).to_be_visible()
    named = page.locator("form [aria-invalid=true]")
    assert named.count() >= 1
    assert_error_announced(page, f"#{named.first.get_attribute('id')}")
    check(page, "public-waitlist-errors")


def test_patient_form_errors_are_announced_and_named_by_the_inputs(open_page, clinic_world):
    patient = clinic_world["world"].home.patient_a
    page, problems = open_page(PHONE)
    sign_in(page, patient.user.email, PASSWORD)

    page.goto("/me/self-tests/")
    form = page.get_by_role("region", name="Save a result")
    form.get_by_label(re.compile("^Left")).fill("-3")
    form.get_by_role("button", name="Save").click()
    assert_error_announced(page, "#id_left")
    assert_error_announced(page, "#id_right")
    check(page, "patient-self-tests-errors")

    page.goto("/notifications/preferences/")
    # A browser without a time picker sends what was typed; the server says what is wrong.
    page.locator("#id_quiet_start").evaluate("e => { e.type = 'text'; }")
    page.get_by_label("Quiet hours start").fill("25:99")
    page.get_by_role("button", name="Save").click()
    assert_error_announced(page, "#id_quiet_start")
    check(page, "patient-messages-errors")

    # A questionnaire sent with no answer: each question's group names its own alert.
    page.goto(f"/me/questionnaires/{clinic_world['questionnaire']}/")
    page.get_by_role("button", name="Send my answers").click()
    first = page.locator("fieldset.patient-choice").first
    first_id = first.evaluate("e => e.id = e.id || 'first-question'")
    assert_error_announced(page, f"#{first_id}")
    check(page, "patient-questionnaire-errors")
    assert problems.errors == [], problems.errors
