"""The screen page shows the patient's own outcomes: the latest questionnaire scores they filled
in on the phone (typed totals stay for paper forms) and their latest home self-tests beside the
clinic's values with the home error (docs/clinical-rules.md §7), without a query of its own."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import questionnaires
from programs.models import SelfTest
from tests.assessments.conftest import make_screen

pytestmark = pytest.mark.django_db

LEFS_ALL_THREES = {f"i{n}": 3 for n in range(1, 21)}  # 20 × 3 = 60


def fill_lefs(patient, answers=LEFS_ALL_THREES):
    (lefs,) = questionnaires.questionnaires_assign(
        patient=patient, codes=["lefs"], source="clinician"
    )
    return questionnaires.questionnaire_submit(assignment=lefs, answers=answers)


def self_test(patient, test, left, right, days_ago=1):
    return SelfTest.objects.create(
        patient=patient,
        clinic=patient.clinic,
        date=patient.clinic.today() - timedelta(days=days_ago),
        test=test,
        left=Decimal(str(left)),
        right=Decimal(str(right)),
    )


@pytest.fixture
def screen(world):
    return make_screen(
        world.home,
        knee_to_wall_cm_left=Decimal("9.0"),
        knee_to_wall_cm_right=Decimal("12.0"),
        lefs=Decimal("50"),
    )


def page(client, user, screen) -> str:
    client.force_login(user)
    response = client.get(f"/screens/{screen.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_latest_patient_completed_score_shows_with_its_date(client, world, screen):
    patient = world.home.patient_a
    fill_lefs(patient, {f"i{n}": 2 for n in range(1, 21)})  # 40, older
    latest = fill_lefs(patient)  # 60
    html = page(client, world.home.clinician, screen)
    assert "Questionnaires filled in by the patient (latest)" in html
    assert '<dd data-instrument="lefs">60 <small class="muted">points</small>' in html
    assert f"on {latest.completed_on:%Y-%m-%d}" in html
    # The typed total of the paper form is still on the page.
    assert "The totals above are typed on the screen, for paper forms." in html


def test_without_phone_questionnaires_the_page_says_so(client, world, screen):
    html = page(client, world.home.clinician, screen)
    assert "has not filled in a questionnaire on the phone yet" in html
    assert 'data-instrument="' not in html


def test_another_patients_scores_never_show(client, world, screen):
    fill_lefs(world.home.patient_b)
    html = page(client, world.home.clinician, screen)
    assert 'data-instrument="lefs"' not in html


def test_home_self_tests_show_beside_the_clinic_values_with_the_home_error(client, world, screen):
    patient = world.home.patient_a
    self_test(patient, "knee_to_wall_cm", 8.5, 12.5, days_ago=20)
    self_test(patient, "knee_to_wall_cm", 5.5, 12.5, days_ago=2)  # latest: 3.5 cm below left
    self_test(patient, "heel_raise_reps", 20, 22)
    html = page(client, world.home.clinician, screen)
    assert "Home self-tests beside this screen" in html
    row = html.split('<tr data-test="knee_to_wall_cm">')[1].split("</tr>")[0]
    assert "home</span>" in row
    cells = [c.split(">", 1)[1].strip() for c in row.split("<td")[1:]]
    assert cells[0].startswith("5.5") and cells[1].startswith("9")
    assert cells[2].startswith("12.5") and cells[3].startswith("12")
    assert "± 3 cm" in cells[4] and "gap larger than the home error" in cells[4]
    heel = html.split('<tr data-test="heel_raise_reps">')[1].split("</tr>")[0]
    assert "± 9 reps" in heel and "not tested" in heel  # no heel raises on this screen


def test_a_gap_within_the_home_error_is_not_flagged(client, world, screen):
    self_test(world.home.patient_a, "knee_to_wall_cm", 10.5, 10.0)  # 1.5 and 2 cm off
    html = page(client, world.home.clinician, screen)
    row = html.split('<tr data-test="knee_to_wall_cm">')[1].split("</tr>")[0]
    assert "gap larger than the home error" not in row


def test_no_section_without_self_tests_and_none_of_another_patient(client, world, screen):
    self_test(world.home.patient_b, "knee_to_wall_cm", 5, 5)
    html = page(client, world.home.clinician, screen)
    assert "Home self-tests beside this screen" not in html


def test_the_outcomes_cost_the_same_queries_with_or_without_data(client, world, screen):
    client.force_login(world.home.clinician)
    url = f"/screens/{screen.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    patient = world.home.patient_a
    fill_lefs(patient)
    self_test(patient, "knee_to_wall_cm", 8, 9)
    self_test(patient, "balance_eyes_open_s", 30, 25)
    with CaptureQueriesContext(connection) as full:
        html = client.get(url).content.decode()
    assert 'data-instrument="lefs"' in html and 'data-test="balance_eyes_open_s"' in html
    assert len(full.captured_queries) == len(empty.captured_queries)


@pytest.mark.parametrize("actor", ["frontdesk"])
def test_front_desk_still_cannot_open_the_screen(client, world, screen, actor):
    client.force_login(getattr(world.home, actor))
    assert client.get(f"/screens/{screen.pk}/").status_code == 403
