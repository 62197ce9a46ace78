"""The patient's home self-tests beside the clinic's measurement on the chart (issue 21): the
latest of each kind next to the latest screen's value, with a note on the larger error of home
tests, and no query of its own."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import run_selectors, run_services
from tests.programs.conftest import make_screen

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def record(patient, day, test, left, right):
    return run_services.self_test_record(
        patient=patient, day=day, test=test, left=Decimal(left), right=Decimal(right)
    )


def chart_html(client, world) -> str:
    client.force_login(world.home.clinician)
    response = client.get(f"/patients/{world.home.patient_a.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, test: str) -> str:
    start = html.index(f'data-test="{test}"')
    return html[start : html.index("</tr>", start)]


def test_the_latest_home_value_sits_beside_the_latest_clinic_value(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = world.home.patient_a
    make_screen(world.home, performed_on=date(2026, 10, 1), balance_eyes_open_s_left=5)
    make_screen(
        world.home,
        performed_on=date(2026, 11, 20),
        balance_eyes_open_s_left=18,
        balance_eyes_open_s_right=30,
        knee_to_wall_cm_left=9.5,
        knee_to_wall_cm_right=11.0,
    )
    record(patient, date(2026, 11, 22), "balance_eyes_open_s", 12, 29)
    record(patient, date(2026, 12, 5), "balance_eyes_open_s", 22, 31)  # the newer one counts
    record(patient, date(2026, 12, 5), "heel_raise_reps", 14, 20)  # not measured at the clinic
    html = chart_html(client, world)
    assert "Latest at home beside the latest clinic screen (20 Nov 2026)" in html
    balance = row(html, "balance_eyes_open_s")
    assert "5 Dec" in balance
    assert "home error ± 10 s" in balance  # docs/clinical-rules.md §7
    assert "home error ± 9 reps" in row(html, "heel_raise_reps")
    assert "<td>22</td><td>18</td><td>31</td><td>30</td>" in balance
    assert "<td>14</td><td>—</td><td>20</td><td>—</td>" in row(html, "heel_raise_reps")
    assert 'data-test="knee_to_wall_cm"' not in html  # no home test of it yet
    assert "larger measurement error" in html


def test_without_a_screen_the_home_values_stand_alone(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    record(world.home.patient_a, date(2026, 12, 5), "knee_to_wall_cm", 8, 10)
    html = chart_html(client, world)
    assert "Latest at home beside the latest clinic screen<" in html
    assert "<td>8</td><td>—</td><td>10</td><td>—</td>" in row(html, "knee_to_wall_cm")


def test_the_comparison_reads_nothing_of_its_own(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = world.home.patient_a
    screen = make_screen(world.home, performed_on=date(2026, 11, 20), heel_raise_reps_left=16)
    record(patient, date(2026, 12, 5), "heel_raise_reps", 14, 20)
    tests = run_selectors.latest_self_tests(patient=patient)
    with CaptureQueriesContext(connection) as queries:
        (beside,) = run_selectors.self_tests_beside_screen(tests, screen)
    assert len(queries) == 0
    assert (beside.clinic_left, beside.clinic_right) == (16.0, None)
