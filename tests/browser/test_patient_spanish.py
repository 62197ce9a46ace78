"""Issue 22 in a real browser: a Spanish-reading patient logs a session on the phone, and the
words the page's scripts write (the status line, the chart titles) are Spanish too."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser_support import PHONE
from tests.factories import World
from tests.programs.test_progression_service import one_drill_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_spanish_patient_logs_a_session_and_reads_the_answer_in_spanish(open_page, task_queue):
    world = World.build()
    patient = world.home.patient_a
    patient.language = "es"
    patient.save(update_fields=["language"])
    one_drill_program(
        world.home, drill="sl_balance_firm_eo", ladder="L-BAL", rung=1, sets=3, reps=None,
        hold_s=45, changed_days_ago=10,
    )  # fmt: skip
    page, _problems = open_page(PHONE)
    page.goto("/login/link/")
    page.get_by_label("E-mail").fill(patient.email)
    page.get_by_role("button", name="E-mail me a link").click()
    task_queue.run_all()
    (message,) = [m for m in mail.outbox if patient.user.email in m.to]
    page.goto(re.search(r"https?://\S+/login/link/\S+/", message.body).group(0))
    page.get_by_role("button", name="Open my program").click()

    # Signed in, the page is the patient's language, whatever the browser's.
    expect(page.get_by_role("heading", name="Tu programa en casa")).to_be_visible()
    today = page.get_by_role("list", name=re.compile("^Hoy, "))
    expect(today).to_contain_text("3 series ×")
    expect(today).to_contain_text("sostener 45 s")
    page.locator("input[name=pain_all][value='0']").check()
    page.get_by_text("Fácil", exact=True).click()
    page.get_by_role("button", name="Guardar la sesión de hoy").click()
    expect(page.locator(".patient-log-status")).to_contain_text(
        "Guardado. Puedes cambiarlo otra vez hoy."
    )
    # The progress chart's title, written by its script.
    expect(page.locator(".patient-charts figcaption").first).to_have_text("Sesiones por semana")
