"""PURE: what the patient reads about a program item, in plain words. No Django imports.

docs/clinical-rules.md §1 (plain words, incomplete screens) and §10 (variants): the patient
reads one short sentence per rule behind a drill (never a rule code, threshold, evidence or
slug), the steps of the variant they must do, its precautions and how often a day. The
clinician's view keeps the evidence (`ProgramItem.reason`) and the codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .drills import DRILLS_BY_SLUG, variant_matches

SIDES = ("left", "right")

# One sentence per rule (docs/clinical-rules.md §4, §6): (one side, both sides). "{side}" is
# "left" or "right".
RULE_SENTENCES: dict[str, tuple[str, str]] = {
    "R-DF-1": (
        "Your {side} ankle bends less than normal, so we will loosen it gently.",
        "Both ankles bend less than normal, so we will loosen them gently.",
    ),
    "R-DF-3": (
        "Your {side} ankle seemed stiff when you moved, so we will loosen it gently.",
        "Your ankles seemed stiff when you moved, so we will loosen them gently.",
    ),
    "R-DF-2": (
        "Your {side} ankle bends less than the other one, so we will loosen it gently.",
        "Your ankles bend differently, so we will loosen the stiffer one gently.",
    ),
    "R-PF-1": (
        "Your {side} calf tires sooner than normal, so we will make it stronger step by step.",
        "Your calves tire sooner than normal, so we will make them stronger step by step.",
    ),
    "R-PF-2": (
        "Your {side} calf is weaker than the other one, so we will help it catch up.",
        "One calf is weaker than the other, so it catches up while the other stays strong.",
    ),
    "R-BAL-1": (
        "You can stand on your {side} leg for less time than normal, so we will practise balance.",
        "You can stand on one leg for less time than normal, so we will practise balance.",
    ),
    "R-BAL-2": (
        "With your eyes closed, your balance on the {side} leg is shorter than normal, so we "
        "will practise it.",
        "With your eyes closed, your balance on one leg is shorter than normal, so we will "
        "practise it.",
    ),
    "R-BAL-3": (
        "Your balance on the {side} leg is not as good as on the other, so it gets extra practice.",
        "Your balance differs between your legs, so the weaker one gets extra practice.",
    ),
    "R-YBT-1": (
        "Your {side} leg is less steady when you reach and bend on it, so we will practise "
        "balance on a soft surface.",
        "Your legs are less steady when you reach and bend, so we will practise balance on a "
        "soft surface.",
    ),
    "R-FP-1": (
        "The arch of your {side} foot drops more than normal, so we will strengthen the small "
        "muscles that hold it up.",
        "The arches of your feet drop more than normal, so we will strengthen the small "
        "muscles that hold them up.",
    ),
    "R-FP-2": (
        "Your {side} foot is stiff and high-arched, so we will help it move more freely.",
        "Your feet are stiff and high-arched, so we will help them move more freely.",
    ),
    "R-FP-3": (
        "The shape of your {side} foot is outside the usual range, so we will train the foot "
        "muscles and your clinician will look at your shoes.",
        "The shape of your feet is outside the usual range, so we will train the foot muscles "
        "and your clinician will look at your shoes.",
    ),
    "R-HX-1": (
        "Your {side} big toe bends back less than normal, so we will help it move.",
        "Your big toes bend back less than normal, so we will help them move.",
    ),
    "R-LAT-1": (
        "Your {side} ankle is less steady from side to side, so we will strengthen the "
        "muscles that stop it rolling.",
        "Your ankles are less steady from side to side, so we will strengthen the muscles "
        "that stop them rolling.",
    ),
    "R-INT-1": (
        "The small muscles of your {side} foot need more control, so we will train them.",
        "The small muscles of your feet need more control, so we will train them.",
    ),
    "R-GAIT-1": (
        "You take long, slow steps when you run, so we will practise slightly quicker steps.",
        "You take long, slow steps when you run, so we will practise slightly quicker steps.",
    ),
    "R-GAIT-2": (
        "Your {side} heel lifts early when you move, so we will keep that ankle bending well.",
        "Your heels lift early when you move, so we will keep your ankles bending well.",
    ),
    "R-GAIT-3": (
        "Your {side} knee or hip drifts when you stand on that leg, so we will practise steady "
        "single-leg balance.",
        "Your knees or hips drift when you stand on one leg, so we will practise steady "
        "single-leg balance.",
    ),
    "M-AT-MID": (
        "Your {side} Achilles tendon is sore, so we will load it step by step to make it "
        "stronger without flaring it up.",
        "Your Achilles tendons are sore, so we will load them step by step to make them "
        "stronger without flaring them up.",
    ),
    "M-AT-INS": (
        "Your {side} Achilles tendon is sore where it meets the heel, so everything stays on "
        "the flat floor and builds up step by step.",
        "Your Achilles tendons are sore where they meet the heel, so everything stays on the "
        "flat floor and builds up step by step.",
    ),
    "M-PHP": (
        "Your {side} heel is sore underneath, so we will stretch and gently strengthen your "
        "foot and calf.",
        "Your heels are sore underneath, so we will stretch and gently strengthen your feet "
        "and calves.",
    ),
    "M-SPRAIN-ACUTE": (
        "You sprained your {side} ankle recently, so we start with gentle, pain-free movement.",
        "You sprained an ankle recently, so we start with gentle, pain-free movement.",
    ),
    "M-CAI": (
        "Your {side} ankle has given way before, so we will train the balance and muscles that "
        "keep it steady.",
        "Your ankles have given way before, so we will train the balance and muscles that "
        "keep them steady.",
    ),
    "M-MTSS": (
        "You have had shin pain, so we will strengthen your feet and calves and ease the load "
        "on your shins.",
        "You have had shin pain, so we will strengthen your feet and calves and ease the load "
        "on your shins.",
    ),
    "M-BSI-HX": (
        "You have had a bone stress injury before, so impact work builds up very gently.",
        "You have had a bone stress injury before, so impact work builds up very gently.",
    ),
    "M-BSI-SUSPECT": (
        "Your pain may come from the bone, so there is no hopping or running work until your "
        "clinician has checked it.",
        "Your pain may come from the bone, so there is no hopping or running work until your "
        "clinician has checked it.",
    ),
    "R-MAINT": (
        "The tests we did found nothing that needs extra work, so this keeps your ankles and "
        "feet strong.",
        "The tests we did found nothing that needs extra work, so this keeps your ankles and "
        "feet strong.",
    ),
    # Not a deficit: the weekly minimum of strength and mobility (docs/clinical-rules.md §1).
    "R-MAINT-MIN": (
        "Every program keeps some strength and ankle-bending work each week.",
        "Every program keeps some strength and ankle-bending work each week.",
    ),
    "G-PLYO": (
        "Your hop check went well, so short hops keep your tendons springy.",
        "Your hop check went well, so short hops keep your tendons springy.",
    ),
}
FALLBACK_SENTENCE = "Your clinician chose this drill for you."

# The core tests of a screen (docs/clinical-rules.md §1 missing data) and their plain names.
CORE_TESTS: dict[str, str] = {
    "knee_to_wall_cm": "knee-to-wall (ankle bend)",
    "heel_raise_reps": "heel raises",
    "balance_eyes_open_s": "single-leg balance",
}

# Clinician words in variant texts and what the patient reads instead.
_VARIANT_WORDS = (
    (re.compile(r"\s*\(HSR\)"), ""),
    (re.compile(r"\bHSR\b\s*"), ""),
    (re.compile(r"^Alfredson:\s*"), ""),
    (re.compile(r"isometric hold at mid-range"), "held still halfway up"),
    (re.compile(r"\bfloor level:\s*"), "on the flat floor: "),
    (re.compile(r"\bfloor level\b"), "on the flat floor"),
)
_NONE = re.compile(r"^none in particular\b", re.IGNORECASE)


@dataclass(frozen=True)
class HowTo:
    """What the patient reads to do one item: its name, steps, tips and precautions."""

    name: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    precautions: tuple[str, ...]


def variant_of(variants: Sequence[Mapping], variant: str) -> Mapping | None:
    """The first variant spec (a `catalogue.VariantSpec` as a dict) the variant text selects."""
    return next((v for v in variants or () if variant_matches(v.get("match", ()), variant)), None)


def how_to(
    *,
    name: str,
    instructions: Sequence[str],
    cues: Sequence[str],
    precautions: str,
    variants: Sequence[Mapping],
    variant: str,
) -> HowTo:
    """The steps that match the item's variant, or the drill's own."""
    spec = variant_of(variants, variant) or {}
    return HowTo(
        name=spec.get("name") or name,
        steps=tuple(spec.get("instructions") or instructions),
        cues=tuple(spec.get("cues") or cues),
        precautions=tuple(
            dict.fromkeys([*spec.get("precautions", ()), *precaution_list(precautions)])
        ),
    )


def precaution_list(text: str) -> list[str]:
    """A drill's precautions as separate sentences, without "None in particular"."""
    sentences = re.split(r"(?<=[.!])\s+", (text or "").strip())
    return [s for s in sentences if s and not _NONE.match(s)]


def plain_variant(variant: str) -> str:
    """The variant as the patient reads it: without clinician shorthand (HSR, Alfredson)."""
    text = variant or ""
    for pattern, words in _VARIANT_WORDS:
        text = pattern.sub(words, text)
    return text.strip(" ,;:")


def times_per_day_for(drill: str, variant: str) -> int:
    """How many times a day a library drill is done in this variant (1 when once)."""
    spec = DRILLS_BY_SLUG.get(drill)
    chosen = spec.variant(variant) if spec is not None else None
    return chosen.times_per_day if chosen is not None else 1


def times_words(times_per_day: int) -> str:
    """ "once a day", "twice a day", "3 times a day"."""
    if times_per_day <= 1:
        return "once a day"
    if times_per_day == 2:
        return "twice a day"
    return f"{times_per_day} times a day"


def load_words(load_pct: float) -> str:
    """Added load as a share of body weight, with kilograms for a 70 kg runner."""
    if load_pct <= 0:
        return ""
    kg = round(70 * load_pct / 100 * 2) / 2
    return (
        f"add about {load_pct:g}% of your body weight (about {kg:g} kg if you weigh 70 kg), "
        "for example books in a backpack"
    )


def rule_sentence(rule: str, sides: Iterable[str]) -> str:
    """The patient sentence of one rule on these sides."""
    one, both = RULE_SENTENCES.get(rule, (FALLBACK_SENTENCE, FALLBACK_SENTENCE))
    chosen = [s for s in SIDES if s in set(sides)]
    if len(chosen) == 1:
        return one.format(side=chosen[0])
    return both


def patient_reason(whys: Iterable[tuple[str, Iterable[str]]], untested: Sequence[str] = ()) -> str:
    """One sentence per rule behind an item (merged items list each rule once, its sides
    joined), never evidence, thresholds or codes. `untested` names core tests that were not
    done: a maintenance item then says so instead of "nothing found"."""
    sides_by_rule: dict[str, set[str]] = {}
    for rule, sides in whys:
        sides_by_rule.setdefault(rule, set()).update(sides)
    sentences = []
    for rule, sides in sides_by_rule.items():
        if rule == "R-MAINT" and untested:
            sentences.append(incomplete_sentence(untested))
        else:
            sentences.append(rule_sentence(rule, sides))
    return " ".join(dict.fromkeys(sentences))


def incomplete_sentence(untested: Sequence[str]) -> str:
    """What a maintenance item says when core tests were not done."""
    names = ", ".join(untested)
    if len(untested) == len(CORE_TESTS):
        return (
            f"Some tests are not done yet ({names}: not tested), so these are general drills to "
            "keep your ankles and feet strong until your clinician completes them."
        )
    return (
        "The tests we did found nothing that needs extra work, so this keeps your ankles and "
        f"feet strong. Not tested yet: {names}; your clinician may check them next time."
    )


def untested_core(measurements: Mapping[str, Mapping[str, object]]) -> list[tuple[str, str]]:
    """(test key, side) of every core test with no value on that side."""
    return [
        (key, side)
        for key in CORE_TESTS
        for side in SIDES
        if (measurements.get(key) or {}).get(side) in (None, "")
    ]


def untested_names(missing: Iterable[tuple[str, str]]) -> list[str]:
    """Plain names of the untested core tests, with the side when only one side is missing."""
    sides: dict[str, list[str]] = {}
    for key, side in missing:
        sides.setdefault(key, []).append(side)
    return [
        CORE_TESTS[key] if len(found) == 2 else f"{CORE_TESTS[key]}, {found[0]} side"
        for key, found in sides.items()
    ]
