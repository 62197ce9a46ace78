"""Patient-completed questionnaires (LEFS, FAAM ADL and Sports, VISA-A) as data, with their
scoring and the minimal clinically important difference. Pure Python: no Django.

Item prompts are short paraphrases written for Groundwork so the phone form stays short; they
are not the published wording. A clinic that must use an instrument's original wording (a
licence, a trial or a payer may require it) should use the licensed original; the scoring
below follows the publications either way. Each instrument names its source, its licence
note and the rule it follows for unanswered items.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NOT_APPLICABLE = "na"


def gettext_noop(text: str) -> str:
    """Marks `text` for the translation catalogue (makemessages looks for this name) and
    returns it unchanged: this module stays free of Django, and the caller that knows the
    reader's language translates the English text (the web page and the API do)."""
    return text


WORDING_NOTE = gettext_noop(
    "Prompts are Groundwork's own short paraphrases, not the published wording; use the "
    "licensed original wording where a licence, study or payer requires it."
)


class Message(str):
    """An English message that keeps its template and values, so that a caller that knows
    the reader's language can translate it: `gettext(message.template) % message.params`.
    It compares and prints as the English text."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        message = super().__new__(cls, template % params if params else template)
        message.template = template
        message.params = params
        return message


# ---------------------------------------------------------------------------------------
# Languages. The instructions, questions and answers of a validated questionnaire may only
# be shown in a validated translation: a home-made one changes what is measured and voids
# the published scoring and MCID. Each instrument therefore has one slot per language for
# the licensed, published translation and its source; an empty slot means the English
# original is shown, with a note in the reader's language (docs/clinical-rules.md
# "Questionnaires in other languages"). The chrome around the items is translated as usual.
# ---------------------------------------------------------------------------------------

ORIGINAL_LANGUAGE = "en"
NOT_APPLICABLE_LABEL = "Not applicable"  # FAAM's answer, part of the instrument's wording


@dataclass(frozen=True)
class Wording:
    """An instrument's wording in one language, from a published validated version.

    `source` cites the validated translation (authors, journal, year) and `licence` how the
    clinic may use it; `instructions`, `prompts` (item key -> text), `options` (item key ->
    {value: label}) and `not_applicable` are its text. Empty `source` or `prompts` means not
    available: the English original is shown instead."""

    source: str = ""
    licence: str = ""
    instructions: str = ""
    prompts: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[int | str, str]] = field(default_factory=dict)
    not_applicable: str = ""

    @property
    def available(self) -> bool:
        return bool(self.source and self.prompts)


# Spanish: the published Spanish versions (LEFS, FAAM and VISA-A each have one) are to be
# added here by the clinic with their licence; until then the slot is empty on purpose.
SPANISH_PENDING = Wording()


@dataclass(frozen=True)
class ShownWording:
    """The wording a reader gets: `language` is the one it is in, `fallback` says a wanted
    translation is missing and the English original stands in."""

    language: str
    fallback: bool
    instructions: str
    prompts: Mapping[str, str]
    options: Mapping[str, tuple[tuple[int | str, str], ...]]
    not_applicable: str


@dataclass(frozen=True)
class Option:
    value: int | str
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    prompt: str
    options: tuple[Option, ...]
    allows_na: bool = False  # FAAM: "not applicable" is an answer, left out of the denominator

    @property
    def values(self) -> tuple[int | str, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Score:
    """A scored form. `value` is None when the publication's rule says it cannot be scored;
    `reason` then says why in plain words."""

    value: Decimal | None
    raw: int  # the sum of the answered items (VISA-A: its points)
    possible: int  # the highest raw sum the answered items allow
    answered: int  # items with a scored answer (not "not applicable", not blank)
    unanswered: tuple[str, ...] = ()  # item keys left blank or "not applicable"
    reason: str = ""  # the English kept with the response for staff and history
    # Why not scored, as a key of NOT_SCORED_MESSAGES and its values, for the reader's language.
    reason_code: str = ""
    reason_args: Mapping[str, int] = field(default_factory=dict)


# Why a form is not scored, in words a patient reads; the caller translates (gettext) and
# fills in Score.reason_args.
NOT_SCORED_MESSAGES = {
    "items_blank": gettext_noop(
        "Not scored: %(blank)s of %(total)s questions are unanswered, and the total needs "
        "every question."
    ),
    "too_few": gettext_noop(
        "Not scored: only %(answered)s of %(total)s questions are answered, and this part "
        "needs at least %(minimum)s."
    ),
    "parts_blank": gettext_noop(
        "Not scored: the total is the sum of all eight questions, and %(blank)s part(s) are "
        "unanswered."
    ),
}


@dataclass(frozen=True)
class Mcid:
    """The smallest change that matters to patients; `from_weeks` picks it by the time between
    the two scores (VISA-A's estimate depends on it)."""

    points: Decimal
    from_weeks: int = 0


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    instructions: str
    unit: str  # "points" or "%"
    max_score: int
    items: tuple[Item, ...]
    mcid: tuple[Mcid, ...]
    mcid_note: str
    source: str
    licence: str
    missing_rule: str
    scorer: Callable[[Instrument, Mapping[str, Any]], Score] = field(repr=False)
    wording_note: str = WORDING_NOTE
    # Validated translations by language code (see Wording); English is the original above.
    translations: Mapping[str, Wording] = field(
        default_factory=lambda: {"es": SPANISH_PENDING}, repr=False
    )

    def wording(self, language: str) -> ShownWording:
        """What the patient reads in `language`: the validated translation when the slot is
        filled, else the English original (`fallback` True when a translation was wanted)."""
        language = (language or ORIGINAL_LANGUAGE).split("-")[0]
        chosen = self.translations.get(language)
        if language == ORIGINAL_LANGUAGE or chosen is None or not chosen.available:
            return ShownWording(
                language=ORIGINAL_LANGUAGE,
                fallback=language != ORIGINAL_LANGUAGE,
                instructions=self.instructions,
                prompts={item.key: item.prompt for item in self.items},
                options={
                    item.key: tuple((o.value, o.label) for o in item.options) for item in self.items
                },
                not_applicable=NOT_APPLICABLE_LABEL,
            )
        return ShownWording(
            language=language,
            fallback=False,
            instructions=chosen.instructions or self.instructions,
            prompts={item.key: chosen.prompts.get(item.key, item.prompt) for item in self.items},
            options={
                item.key: tuple(
                    (o.value, chosen.options.get(item.key, {}).get(o.value, o.label))
                    for o in item.options
                )
                for item in self.items
            },
            not_applicable=chosen.not_applicable or NOT_APPLICABLE_LABEL,
        )

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)

    def score(self, answers: Mapping[str, Any]) -> Score:
        return self.scorer(self, normalise(self, answers))

    def mcid_for(self, weeks: float) -> Decimal:
        """The MCID that applies to a change measured over `weeks`."""
        chosen = self.mcid[0]
        for candidate in self.mcid:
            if weeks >= candidate.from_weeks:
                chosen = candidate
        return chosen.points


class AnswerError(ValueError):
    """Answers that cannot be stored, with one message per item key."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


def _coerce(item: Item, value: Any) -> int | str | None:
    """The option value `value` stands for (numbers may come as text from a form), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if item.allows_na and text == NOT_APPLICABLE:
            return NOT_APPLICABLE
        if text in item.values:
            return text
        value = int(text) if text.isdigit() else text
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if value in item.values else None


def _choose_one(item: Item) -> Message:
    values = ", ".join(str(v) for v in item.values)
    if item.allows_na:
        return Message(
            gettext_noop("Choose one of %(values)s or %(na)s."),
            values=values,
            na=repr(NOT_APPLICABLE),
        )
    return Message(gettext_noop("Choose one of %(values)s."), values=values)


def validate(instrument: Instrument, answers: Any) -> dict[str, int | str]:
    """Answers a patient sends, checked item by item: every item needs an answer (FAAM items
    may be "na"); unknown keys and values outside an item's options are refused. Raises
    AnswerError naming each bad item; returns the answers with values as the options hold them.
    """
    if not isinstance(answers, Mapping):
        raise AnswerError({"answers": Message(gettext_noop("Send an object of item key: answer."))})
    errors: dict[str, str] = {}
    clean: dict[str, int | str] = {}
    for key in answers:
        if key not in instrument.keys:
            errors[str(key)] = Message(
                gettext_noop("Not an item of %(instrument)s."), instrument=instrument.name
            )
    for item in instrument.items:
        if answers.get(item.key) in (None, ""):
            errors[item.key] = (
                Message(
                    gettext_noop(
                        "Please answer this item (choose %(na)s if it does not apply to you)."
                    ),
                    na=repr(NOT_APPLICABLE),
                )
                if item.allows_na
                else Message(gettext_noop("Please answer this item."))
            )
            continue
        value = _coerce(item, answers[item.key])
        if value is None:
            errors[item.key] = _choose_one(item)
        else:
            clean[item.key] = value
    if errors:
        raise AnswerError(errors)
    return clean


def normalise(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int | str | None]:
    """Every item key with its answer, None where it is blank or not one of its options."""
    return {
        item.key: (
            None if answers.get(item.key) in (None, "") else _coerce(item, answers[item.key])
        )
        for item in instrument.items
    }


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Scoring ----------------------------------------------------------------------------------


def _sum_all_items(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    """LEFS: the total is the sum of the 20 items; a form with any blank item is not scored."""
    blank = tuple(key for key, value in answers.items() if value is None)
    raw = sum(value for value in answers.values() if value is not None)
    answered = len(answers) - len(blank)
    if blank:
        return Score(
            value=None,
            raw=raw,
            possible=answered * 4,
            answered=answered,
            unanswered=blank,
            reason=f"Not scored: {len(blank)} of {len(answers)} items unanswered; the total needs "
            "every item.",
            reason_code="items_blank",
            reason_args={"blank": len(blank), "total": len(answers)},
        )
    return Score(value=Decimal(raw), raw=raw, possible=answered * 4, answered=answered)


def _faam_scorer(minimum: int) -> Callable[[Instrument, Mapping[str, Any]], Score]:
    def score(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
        """FAAM: raw sum / (items answered × 4) × 100; "not applicable" and blank items leave
        the denominator; fewer than `minimum` answered items leaves the subscale unscored."""
        left_out = tuple(key for key, value in answers.items() if value in (None, NOT_APPLICABLE))
        scored = [value for value in answers.values() if value not in (None, NOT_APPLICABLE)]
        raw, possible = sum(scored), len(scored) * 4
        if len(scored) < minimum:
            return Score(
                value=None,
                raw=raw,
                possible=possible,
                answered=len(scored),
                unanswered=left_out,
                reason=f"Not scored: only {len(scored)} of {len(answers)} items answered; "
                f"the subscale needs at least {minimum}.",
                reason_code="too_few",
                reason_args={"answered": len(scored), "total": len(answers), "minimum": minimum},
            )
        value = _one_decimal(Decimal(raw) * 100 / Decimal(possible))
        return Score(
            value=value, raw=raw, possible=possible, answered=len(scored), unanswered=left_out
        )

    return score


# VISA-A question 8: points by how the tendon behaves under sport load and for how long the
# patient can train (Robinson 2001): 8A no pain, 8B pain that does not stop training, 8C pain
# that stops it.
VISA_A_Q8_POINTS = {
    "a": {"0": 0, "1_10": 7, "11_20": 14, "21_30": 21, "over_30": 30},
    "b": {"0": 0, "1_10": 4, "11_20": 10, "21_30": 14, "over_30": 20},
    "c": {"0": 0, "1_10": 2, "11_20": 5, "21_30": 7, "over_30": 10},
}


def _visa_a(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    """VISA-A: questions 1-7 as their points, question 8 from the table above; all eight
    questions (question 8 in its two parts) must be answered."""
    blank = tuple(key for key, value in answers.items() if value is None)
    points = [answers[f"q{n}"] for n in range(1, 8) if answers[f"q{n}"] is not None]
    if answers["q8_load"] is not None and answers["q8_minutes"] is not None:
        points.append(VISA_A_Q8_POINTS[answers["q8_load"]][answers["q8_minutes"]])
    raw = sum(points)
    answered = len(instrument.items) - len(blank)
    if blank:
        return Score(
            value=None,
            raw=raw,
            possible=100,
            answered=answered,
            unanswered=blank,
            reason="Not scored: VISA-A is the sum of all eight questions and "
            f"{len(blank)} part(s) are unanswered.",
            reason_code="parts_blank",
            reason_args={"blank": len(blank)},
        )
    return Score(value=Decimal(raw), raw=raw, possible=100, answered=answered)


# Items ------------------------------------------------------------------------------------

LEFS_OPTIONS = (
    Option(0, "Extreme difficulty or can't do it"),
    Option(1, "Quite a bit of difficulty"),
    Option(2, "Moderate difficulty"),
    Option(3, "A little difficulty"),
    Option(4, "No difficulty"),
)
LEFS_ACTIVITIES = (
    "Your usual work, housework or school tasks",
    "Your usual hobbies, recreation or sport",
    "Getting in or out of the bath",
    "Walking from one room to another",
    "Putting on shoes or socks",
    "Squatting down",
    "Lifting something like a shopping bag from the floor",
    "Light jobs around the house",
    "Heavy jobs around the house",
    "Getting in or out of a car",
    "Walking two blocks",
    "Walking about a mile",
    "Going up or down a flight of stairs (about 10 steps)",
    "Standing for an hour",
    "Sitting for an hour",
    "Running on flat ground",
    "Running on uneven ground",
    "Turning sharply while running fast",
    "Hopping",
    "Rolling over in bed",
)

FAAM_OPTIONS = (
    Option(4, "No difficulty"),
    Option(3, "Slight difficulty"),
    Option(2, "Moderate difficulty"),
    Option(1, "Extreme difficulty"),
    Option(0, "Unable to do"),
)
FAAM_ADL_ACTIVITIES = (
    "Standing",
    "Walking on flat ground",
    "Walking on flat ground barefoot",
    "Walking uphill",
    "Walking downhill",
    "Going upstairs",
    "Going downstairs",
    "Walking on uneven ground",
    "Stepping up and down kerbs",
    "Squatting",
    "Rising up onto your toes",
    "The first steps of a walk",
    "Walking for up to 5 minutes",
    "Walking for about 10 minutes",
    "Walking for 15 minutes or more",
    "Jobs at home",
    "Everyday activities",
    "Looking after yourself (washing, dressing)",
    "Light to moderate work (standing, walking)",
    "Heavy work (pushing, pulling, climbing, carrying)",
    "Leisure activities",
)
FAAM_SPORTS_ACTIVITIES = (
    "Running",
    "Jumping",
    "Landing",
    "Starting and stopping quickly",
    "Cutting and side-to-side moves",
    "Low-impact activities",
    "Doing your activity with your usual technique",
    "Taking part in your sport for as long as you like",
)


def _activity_items(prefix: str, activities, options, *, allows_na: bool = False):
    return tuple(
        Item(f"{prefix}{n}", text, options, allows_na=allows_na)
        for n, text in enumerate(activities, start=1)
    )


def _scale(low: str, high: str, values=range(11)) -> tuple[Option, ...]:
    """0-10 points; the ends carry words."""
    last = max(values)
    return tuple(
        Option(v, f"{v} – {low}" if v == 0 else f"{v} – {high}" if v == last else str(v))
        for v in values
    )


VISA_A_ITEMS = (
    Item(
        "q1",
        "When you get up in the morning, how long is the Achilles area stiff?",
        tuple(
            Option(10 - n, "No stiffness" if n == 0 else f"About {n * 10} minutes")
            for n in range(10)
        )
        + (Option(0, "100 minutes or more"),),
    ),
    Item(
        "q2",
        "Once warmed up for the day, how painful is a full calf stretch over a step edge?",
        _scale("strong, severe pain", "no pain"),
    ),
    Item(
        "q3",
        "After 30 minutes of walking on flat ground, how much pain do you get in the next 2 hours?",
        _scale("strong, severe pain", "no pain"),
    ),
    Item(
        "q4",
        "How painful is walking down stairs at a normal pace?",
        _scale("strong, severe pain", "no pain"),
    ),
    Item(
        "q5",
        "How painful are 10 single-leg heel raises from flat ground, during or just after?",
        _scale("strong, severe pain", "no pain"),
    ),
    Item(
        "q6",
        "How many single-leg hops can you do without pain?",
        tuple(Option(n, f"{n} hops" if n != 1 else "1 hop") for n in range(11)),
    ),
    Item(
        "q7",
        "Are you doing sport or other physical activity at the moment?",
        (
            Option(0, "Not at all"),
            Option(4, "Modified training or competition"),
            Option(7, "Full training or competition, but below my usual level"),
            Option(10, "At the level I had before this started, or higher"),
        ),
    ),
    Item(
        "q8_load",
        "During sport that loads the Achilles, how does it feel?",
        (
            Option("a", "No pain"),
            Option("b", "Some pain, but I can finish training"),
            Option("c", "Pain that stops me finishing training"),
        ),
    ),
    Item(
        "q8_minutes",
        "How long can you train or practise for?",
        (
            Option("0", "Not at all"),
            Option("1_10", "1 to 10 minutes"),
            Option("11_20", "11 to 20 minutes"),
            Option("21_30", "21 to 30 minutes"),
            Option("over_30", "More than 30 minutes"),
        ),
    ),
)

FAAM_SOURCE = (
    "Martin RL, Irrgang JJ, Burdett RG, Conti SF, Van Swearingen JM. Evidence of validity for "
    "the Foot and Ankle Ability Measure (FAAM). Foot Ankle Int 2005;26(11):968-83."
)
FAAM_LICENCE = "Free to use for clinical care; the original form and wording come from its authors."
FAAM_MISSING = (
    "Items marked 'not applicable' (and any left blank) are left out: the score is the sum "
    "of the answered items divided by 4 × the number answered, × 100. A subscale is scored "
    "only when about 90 % of its items are answered (ADL at least 19 of 21, Sports at least "
    "7 of 8), the rule of the FAAM scoring notes (reference [P4] of "
    "shared/reference/clinical.md)."
)

INSTRUMENTS: dict[str, Instrument] = {
    "lefs": Instrument(
        code="lefs",
        name="LEFS",
        instructions="Today, how hard is each of these for you because of your leg problem?",
        unit="points",
        max_score=80,
        items=_activity_items("i", LEFS_ACTIVITIES, LEFS_OPTIONS),
        mcid=(Mcid(Decimal(9)),),
        mcid_note="9 points (Binkley 1999: minimal detectable change and MCID, 90 % CI).",
        source=(
            "Binkley JM, Stratford PW, Lott SA, Riddle DL. The Lower Extremity Functional "
            "Scale (LEFS): scale development, measurement properties, and clinical "
            "application. Phys Ther 1999;79(4):371-83."
        ),
        licence="Free to use for clinical care; the original form is the authors'.",
        missing_rule=(
            "The total is the sum of all 20 items (0-80). Binkley 1999 gives no rule for "
            "estimating a missing item, so Groundwork does not prorate: a form with a blank "
            "item is not scored and the patient is asked to answer it."
        ),
        scorer=_sum_all_items,
    ),
    "faam_adl": Instrument(
        code="faam_adl",
        name="FAAM ADL",
        instructions="Because of your foot and ankle, how hard is each of these for you? "
        "Choose 'not applicable' if something is hard for another reason.",
        unit="%",
        max_score=100,
        items=_activity_items("adl", FAAM_ADL_ACTIVITIES, FAAM_OPTIONS, allows_na=True),
        mcid=(Mcid(Decimal(8)),),
        mcid_note="8 points (Martin 2005).",
        source=FAAM_SOURCE,
        licence=FAAM_LICENCE,
        missing_rule=FAAM_MISSING,
        scorer=_faam_scorer(19),
    ),
    "faam_sports": Instrument(
        code="faam_sports",
        name="FAAM Sports",
        instructions="Because of your foot and ankle, how hard is each of these for you? "
        "Choose 'not applicable' if something is hard for another reason.",
        unit="%",
        max_score=100,
        items=_activity_items("sp", FAAM_SPORTS_ACTIVITIES, FAAM_OPTIONS, allows_na=True),
        mcid=(Mcid(Decimal(9)),),
        mcid_note="9 points (Martin 2005).",
        source=FAAM_SOURCE,
        licence=FAAM_LICENCE,
        missing_rule=FAAM_MISSING,
        scorer=_faam_scorer(7),
    ),
    "visa_a": Instrument(
        code="visa_a",
        name="VISA-A",
        instructions="These questions are about your Achilles tendon. 100 is no symptoms.",
        unit="points",
        max_score=100,
        items=VISA_A_ITEMS,
        # The JOSPT 2021 estimate for active people with mid-portion Achilles tendinopathy
        # depends on the time between scores: 14 points over 12 weeks, 7 over 24 weeks
        # (reference [P6]; clinical.md §4 "use the time-appropriate value"). Below 24 weeks we
        # use 14, the stricter one, so a change called meaningful is meaningful under both.
        mcid=(Mcid(Decimal(14)), Mcid(Decimal(7), from_weeks=24)),
        mcid_note="14 points between scores under 24 weeks apart, 7 points from 24 weeks "
        "(JOSPT 2021 estimates for 12 and 24 weeks).",
        source=(
            "Robinson JM, Cook JL, Purdam C, et al. The VISA-A questionnaire: a valid and "
            "reliable index of the clinical severity of Achilles tendinopathy. Br J Sports Med "
            "2001;35:335-41."
        ),
        licence="Free to use for clinical care; the original form is the authors'.",
        missing_rule=(
            "The score is the sum of the eight questions (0-100); question 8 counts once, from "
            "its branch (A, B or C) and duration. Robinson 2001 defines no estimate for a "
            "missing answer, so a form with a blank question is not scored."
        ),
        scorer=_visa_a,
    ),
}
CODES = tuple(INSTRUMENTS)


def get(code: str) -> Instrument:
    return INSTRUMENTS[code]


def score(code: str, answers: Mapping[str, Any]) -> Score:
    return INSTRUMENTS[code].score(answers)


@dataclass(frozen=True)
class Trend:
    """Change from the first score to the latest, against the instrument's MCID."""

    first: Decimal
    latest: Decimal
    change: Decimal
    mcid: Decimal
    meaningful: bool  # |change| >= MCID
    direction: str  # "better", "worse" or "same" (higher is better on all four)


def trend(code: str, *, first: Decimal, latest: Decimal, days_between: int) -> Trend:
    instrument = INSTRUMENTS[code]
    mcid = instrument.mcid_for(days_between / 7)
    change = Decimal(latest) - Decimal(first)
    direction = "better" if change > 0 else "worse" if change < 0 else "same"
    return Trend(
        first=Decimal(first),
        latest=Decimal(latest),
        change=change,
        mcid=mcid,
        meaningful=abs(change) >= mcid,
        direction=direction,
    )


def items_out(code: str) -> list[dict[str, Any]]:
    """The items as plain data for the API and the phone form."""
    return [
        {
            "key": item.key,
            "prompt": item.prompt,
            "options": [{"value": o.value, "label": o.label} for o in item.options],
            "allows_na": item.allows_na,
        }
        for item in INSTRUMENTS[code].items
    ]


# Scheduling rules (shared/reference/clinical.md §4: LEFS and FAAM at intake and every 4 weeks,
# VISA-A added when the Achilles is the problem) --------------------------------------------

ROUTINE = ("lefs", "faam_adl", "faam_sports")
EVERY_DAYS = 28


def instruments_for(*, achilles: bool) -> tuple[str, ...]:
    return (*ROUTINE, "visa_a") if achilles else ROUTINE


def mentions_achilles(*texts: str) -> bool:
    return any("achilles" in (text or "").lower() for text in texts)


def next_periodic_due(*, last_asked, program_since):
    """The day the next 4-weekly set is due while a program runs: 4 weeks after the later of
    the last set asked and the day the program started."""
    anchor = program_since if last_asked is None else max(last_asked, program_since)
    return anchor + timedelta(days=EVERY_DAYS)
