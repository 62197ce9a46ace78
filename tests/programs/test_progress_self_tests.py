"""Home self-tests in the pure progression engine (docs/clinical-rules.md §7, "Home self-tests
and the balance ladder"): a home balance test at the target hold stands for one trial up the
balance ladder, never for a step down, a hold, or a pain rule; clinic measurements win."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from programs.evaluation import balance_tests
from programs.ladders import LADDERS
from programs.models import SelfTest
from programs.progression_rules import (
    BalanceTest,
    Baseline,
    Context,
    Dose,
    ItemState,
    SessionLog,
    evaluate,
    home_balance_trial,
)
from tests.programs.conftest import make_screen

TODAY = date(2026, 3, 16)
BAL = LADDERS["L-BAL"]
BASE = Baseline(pain_during=1.0, next_morning_pain=1.0, sessions=3)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def good(days_ago: int, pain: int = 0) -> SessionLog:
    return SessionLog(ago(days_ago), 100.0, pain, 4, 1)


def balance(hold_s=45, changed=10, rung=0, side="both", **kw) -> ItemState:
    dose = Dose(BAL.rungs[rung].drill, rung, 3, None, hold_s)
    return ItemState(dose, "balance", ago(changed), ladder_code="L-BAL", side=side, **kw)


def home(days_ago, left, right, eyes="open") -> BalanceTest:
    return BalanceTest(ago(days_ago), eyes, left, right, home=True)


def clinic(days_ago, left, right, eyes="open") -> BalanceTest:
    return BalanceTest(ago(days_ago), eyes, left, right, home=False)


def run(state, logs, *tests, today=TODAY):
    return evaluate(
        state,
        logs,
        ladder=BAL,
        baseline=BASE,
        today=today,
        context=Context(balance_tests=tuple(tests)),
    )


TWO_GOOD = [good(4), good(2)]


def test_without_a_self_test_two_sessions_hold_for_a_third():
    decision = run(balance(), TWO_GOOD)
    assert (decision.action, decision.detail) == ("hold", "too_few_sessions")


def test_a_home_test_at_the_target_on_both_sides_stands_for_the_third_trial():
    decision = run(balance(hold_s=45), TWO_GOOD, home(3, 45, 52))
    assert (decision.action, decision.rule) == ("progress", "T-UP")
    assert (decision.dose.sets, decision.dose.hold_s) == (3, 60)
    assert decision.detail == "home_balance_test"
    assert "your balance test at home (13 March) held at least 45 s on both sides" in (
        decision.reason
    )


def test_below_the_target_on_one_side_it_does_not_count():
    decision = run(balance(hold_s=45), TWO_GOOD, home(3, 45, 44.5))
    assert (decision.action, decision.detail) == ("hold", "too_few_sessions")


def test_a_one_sided_item_reads_only_its_own_side():
    left_only = balance(hold_s=45, side="left")
    assert run(left_only, TWO_GOOD, home(3, 50, 10)).action == "progress"
    right_only = balance(hold_s=45, side="right")
    assert run(right_only, TWO_GOOD, home(3, 50, 10)).action == "hold"


def test_the_eyes_condition_must_match_the_rung():
    eyes_closed_test = home(3, 60, 60, eyes="closed")
    assert run(balance(hold_s=45), TWO_GOOD, eyes_closed_test).action == "hold"
    closed_rung = balance(hold_s=15, rung=1)
    assert run(closed_rung, TWO_GOOD, eyes_closed_test).action == "progress"


def test_a_test_from_before_the_last_dose_change_does_not_count():
    # Done on the day of the change or before it: at the old dose.
    assert run(balance(changed=10), TWO_GOOD, home(10, 60, 60)).action == "hold"
    assert run(balance(changed=10), TWO_GOOD, home(12, 60, 60)).action == "hold"


def test_a_clinic_measurement_on_the_same_day_or_later_wins():
    at_home = home(5, 60, 60)
    assert run(balance(), TWO_GOOD, at_home, clinic(5, 30, 30)).action == "hold"
    assert run(balance(), TWO_GOOD, at_home, clinic(3, 60, 60)).action == "hold"
    # An older clinic measurement does not outweigh a newer home test.
    assert run(balance(), TWO_GOOD, at_home, clinic(7, 20, 20)).action == "progress"


def test_never_all_the_trials_one_session_is_still_needed():
    decision = run(balance(), [], home(3, 60, 60))
    assert (decision.action, decision.detail) == ("hold", "no_sessions")
    one = run(balance(), [good(2)], home(3, 60, 60))
    assert (one.action, one.detail) == ("hold", "too_few_sessions")


def test_it_never_passes_a_pain_rule():
    # Pain above the general ceiling steps down whatever the home test says.
    painful = run(balance(), [good(4), good(2, pain=4)], home(3, 60, 60))
    assert (painful.action, painful.rule) == ("regress", "T-DOWN-1")
    # Amber pain holds; a sore next morning holds.
    amber = run(balance(), [good(4), good(2, pain=3)], home(3, 60, 60))
    assert amber.action == "hold"
    sorer = [good(4), SessionLog(ago(2), 100.0, 0, 4, 2)]
    assert run(balance(), sorer, home(3, 60, 60)).action == "hold"


def test_it_never_steps_down_or_holds_by_itself():
    # A poor home result does not make three good sessions hold or step down.
    three = [good(6), good(4), good(2)]
    decision = run(balance(), three, home(3, 5, 5))
    assert (decision.action, decision.rule) == ("progress", "T-UP")
    assert decision.detail == ""


def test_only_the_balance_ladder_firm_rungs_read_it():
    foam = balance(hold_s=30, rung=2)
    assert foam.dose.drill == "sl_balance_unstable"
    assert home_balance_trial(foam, BAL, Context(balance_tests=(home(3, 60, 60),)), TODAY) is None
    calf = ItemState(
        Dose("heel_raise_single", 2, 3, 10, None), "strength", ago(10), ladder_code="L-CALF"
    )
    tests = Context(balance_tests=(home(3, 60, 60),))
    assert home_balance_trial(calf, LADDERS["L-CALF"], tests, TODAY) is None


def test_a_later_clearance_moves_the_window_like_the_sessions():
    cleared = replace(balance(changed=10), cleared_on=ago(4))
    assert (
        home_balance_trial(cleared, BAL, Context(balance_tests=(home(5, 60, 60),)), TODAY) is None
    )
    found = home_balance_trial(cleared, BAL, Context(balance_tests=(home(3, 60, 60),)), TODAY)
    assert found is not None and found.day == ago(3)


# --- the service reads both sources ------------------------------------------------------------


@pytest.mark.django_db
def test_balance_tests_reads_home_self_tests_and_clinic_screens(world):
    side = world.home
    today = side.clinic.today()
    patient = side.patient_a
    SelfTest.objects.create(
        patient=patient,
        clinic=side.clinic,
        date=today - timedelta(days=2),
        test="balance_eyes_open_s",
        left=Decimal("41"),
        right=Decimal("47.5"),
    )
    SelfTest.objects.create(  # not a balance test: never read
        patient=patient,
        clinic=side.clinic,
        date=today - timedelta(days=2),
        test="heel_raise_reps",
        left=Decimal("20"),
        right=Decimal("22"),
    )
    SelfTest.objects.create(  # too old for the window
        patient=patient,
        clinic=side.clinic,
        date=today - timedelta(weeks=9),
        test="balance_eyes_open_s",
        left=Decimal("60"),
        right=Decimal("60"),
    )
    make_screen(
        side,
        performed_on=today - timedelta(days=1),
        balance_eyes_closed_s_left=12.0,
        knee_to_wall_cm_left=9.0,
    )
    found = sorted(balance_tests(patient_id=patient.pk, today=today), key=lambda t: t.day)
    assert found == [
        BalanceTest(today - timedelta(days=2), "open", 41.0, 47.5, home=True),
        BalanceTest(today - timedelta(days=1), "closed", 12.0, None, home=False),
    ]
