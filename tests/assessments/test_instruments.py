"""Scoring of the questionnaires against worked examples computed by hand from each
publication's rule, unanswered items included (assessments/instruments.py)."""

from datetime import date
from decimal import Decimal

import pytest

from assessments import instruments
from assessments.instruments import AnswerError, score


def lefs(**overrides):
    # Items 1-10 "a little difficulty" (3), 11-15 "moderate" (2), 16-20 "quite a bit" (1).
    answers = {f"i{n}": 3 if n <= 10 else 2 if n <= 15 else 1 for n in range(1, 21)}
    answers.update(overrides)
    return answers


def test_instruments_are_the_four_of_the_interface_with_their_sizes():
    assert instruments.CODES == ("lefs", "faam_adl", "faam_sports", "visa_a")
    sizes = {code: len(i.items) for code, i in instruments.INSTRUMENTS.items()}
    # VISA-A asks question 8 in two parts (its branch, then how long), so 9 keys for 8 questions.
    assert sizes == {"lefs": 20, "faam_adl": 21, "faam_sports": 8, "visa_a": 9}
    for instrument in instruments.INSTRUMENTS.values():
        assert instrument.source and instrument.licence and instrument.missing_rule
        assert "licensed original" in instrument.wording_note


def test_lefs_total_is_the_sum_of_the_twenty_items():
    # 10 × 3 + 5 × 2 + 5 × 1 = 45 of 80.
    result = score("lefs", lefs())
    assert result.value == Decimal(45)
    assert (result.raw, result.possible, result.answered) == (45, 80, 20)


def test_lefs_with_an_unanswered_item_is_not_scored_rather_than_prorated():
    answers = lefs()
    del answers["i7"]
    result = score("lefs", answers)
    assert result.value is None
    assert result.unanswered == ("i7",)
    assert result.raw == 42 and "1 of 20 items unanswered" in result.reason


def test_faam_adl_leaves_not_applicable_and_blank_items_out_of_the_denominator():
    answers = {f"adl{n}": 3 for n in range(1, 22)}
    answers["adl3"] = "na"
    del answers["adl20"]
    # 19 answered × 3 = 57; 57 / (19 × 4) × 100 = 75.0 %.
    result = score("faam_adl", answers)
    assert result.value == Decimal("75.0")
    assert (result.raw, result.possible, result.answered) == (57, 76, 19)
    assert result.unanswered == ("adl3", "adl20")


def test_faam_adl_all_answered_rounds_to_one_decimal():
    answers = {f"adl{n}": 4 if n <= 15 else 2 for n in range(1, 22)}
    # 15 × 4 + 6 × 2 = 72; 72 / 84 = 85.714… → 85.7 %.
    assert score("faam_adl", answers).value == Decimal("85.7")


def test_faam_adl_with_three_items_missing_is_not_scored():
    answers = {f"adl{n}": 4 for n in range(1, 22)}
    answers.update(adl1="na", adl2="na", adl21="na")
    result = score("faam_adl", answers)
    assert result.value is None
    assert result.answered == 18 and "at least 19" in result.reason


def test_faam_sports_one_not_applicable_is_scored_two_are_not():
    answers = dict(zip([f"sp{n}" for n in range(1, 9)], [4, 3, 2, 1, 0, 4, 3, "na"]))
    # 17 / (7 × 4) × 100 = 60.714… → 60.7 %.
    assert score("faam_sports", answers).value == Decimal("60.7")
    answers["sp1"] = "na"
    result = score("faam_sports", answers)
    assert result.value is None and result.answered == 6


def visa_a(**overrides):
    # 40 min stiffness (6), 5, 7, 8, 4, 3 hops, modified training (4), 8B for 11-20 min (10).
    answers = {
        "q1": 6,
        "q2": 5,
        "q3": 7,
        "q4": 8,
        "q5": 4,
        "q6": 3,
        "q7": 4,
        "q8_load": "b",
        "q8_minutes": "11_20",
    }
    answers.update(overrides)
    return answers


def test_visa_a_sums_questions_one_to_seven_and_the_branch_of_question_eight():
    # 6 + 5 + 7 + 8 + 4 + 3 + 4 = 37, plus 8B "11-20 minutes" = 10 → 47 of 100.
    assert score("visa_a", visa_a()).value == Decimal(47)
    # The same time under 8A (no pain) is worth 14, under 8C (pain stops training) 5.
    assert score("visa_a", visa_a(q8_load="a")).value == Decimal(51)
    assert score("visa_a", visa_a(q8_load="c")).value == Decimal(42)


def test_visa_a_best_answers_make_100_and_worst_make_0():
    best = {
        "q1": 10,
        "q2": 10,
        "q3": 10,
        "q4": 10,
        "q5": 10,
        "q6": 10,
        "q7": 10,
        "q8_load": "a",
        "q8_minutes": "over_30",
    }
    worst = {
        "q1": 0,
        "q2": 0,
        "q3": 0,
        "q4": 0,
        "q5": 0,
        "q6": 0,
        "q7": 0,
        "q8_load": "c",
        "q8_minutes": "0",
    }
    assert score("visa_a", best).value == Decimal(100)
    assert score("visa_a", worst).value == Decimal(0)


def test_visa_a_with_an_unanswered_part_is_not_scored():
    answers = visa_a()
    del answers["q8_minutes"]
    result = score("visa_a", answers)
    assert result.value is None and result.unanswered == ("q8_minutes",)


def test_validate_names_each_bad_item():
    answers = lefs(i3=5, i4="na", extra=1)
    del answers["i9"]
    with pytest.raises(AnswerError) as caught:
        instruments.validate(instruments.get("lefs"), answers)
    errors = caught.value.errors
    assert set(errors) == {"i3", "i4", "i9", "extra"}
    assert errors["i3"] == "Choose one of 0, 1, 2, 3, 4."
    assert errors["i9"] == "Please answer this item."
    assert "Not an item of LEFS" in errors["extra"]


def test_validate_takes_form_text_and_faam_not_applicable():
    clean = instruments.validate(
        instruments.get("faam_sports"), {f"sp{n}": "3" for n in range(1, 8)} | {"sp8": "NA"}
    )
    assert clean["sp1"] == 3 and clean["sp8"] == "na"
    clean = instruments.validate(instruments.get("visa_a"), visa_a(q8_minutes="0", q1="6"))
    assert clean["q8_minutes"] == "0" and clean["q1"] == 6


def test_trend_against_the_mcid():
    assert instruments.trend("lefs", first=40, latest=49, days_between=28).meaningful
    near = instruments.trend("lefs", first=40, latest=48, days_between=28)
    assert not near.meaningful and near.change == 8 and near.direction == "better"
    worse = instruments.trend(
        "faam_adl", first=Decimal("80.0"), latest=Decimal("71.5"), days_between=56
    )
    assert worse.meaningful and worse.direction == "worse" and worse.mcid == 8
    # VISA-A: 14 points under 24 weeks apart, 7 from 24 weeks on.
    assert not instruments.trend("visa_a", first=50, latest=60, days_between=56).meaningful
    later = instruments.trend("visa_a", first=50, latest=60, days_between=24 * 7)
    assert later.meaningful and later.mcid == 7


def test_every_four_weeks_runs_from_the_later_of_last_set_and_program_start():
    start = date(2026, 3, 2)
    assert instruments.next_periodic_due(last_asked=None, program_since=start) == date(2026, 3, 30)
    assert instruments.next_periodic_due(last_asked=date(2026, 2, 20), program_since=start) == date(
        2026, 3, 30
    )
    assert instruments.next_periodic_due(last_asked=date(2026, 3, 30), program_since=start) == date(
        2026, 4, 27
    )
