"""PURE: the red flags of docs/clinical-rules.md §8, in one table. No Django imports.

Each answer code of the API (`cannot_bear_weight`, ...) has its rule code (RF-1 ... RF-7), the
urgency of what the patient must do, the clinician's line, the patient's words for what they
reported and the question the patient answers.
"""

from __future__ import annotations

from dataclasses import dataclass

EMERGENCY, TODAY, CLINIC = "emergency", "today", "clinic"


@dataclass(frozen=True, slots=True)
class RedFlag:
    answer: str  # the API's answer code
    code: str  # RF-1 ... RF-7
    urgency: str  # EMERGENCY, TODAY or CLINIC
    clinician_text: str
    reported: str  # what the patient reported, to finish "You reported ..."
    question: str  # the patient's yes/no statement


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "cannot_bear_weight",
        "RF-1",
        TODAY,
        "Cannot take four steps or new bony tenderness after a fall or twist: rule out a "
        "fracture before any exercise.",
        "you could not take four steps or have new bony tenderness",
        "I cannot walk four steps, or a bone became tender after a fall or twist",
    ),
    RedFlag(
        "sudden_pop",
        "RF-2",
        TODAY,
        "Sudden pop at the back of the ankle or cannot push off: possible Achilles rupture.",
        "a sudden pop or kick at the back of the ankle",
        "I felt a sudden pop or kick at the back of my ankle",
    ),
    RedFlag(
        "calf_swelling",
        "RF-3",
        EMERGENCY,
        "Calf swelling, warmth or tenderness: possible deep-vein thrombosis.",
        "a swollen, warm or tender calf",
        "My calf is swollen, warm or tender",
    ),
    RedFlag(
        "numbness_or_cold_foot",
        "RF-4",
        EMERGENCY,
        "Numbness, pins and needles, or a cold or pale foot: nerve or circulation problem.",
        "numbness, pins and needles, or a cold or pale foot",
        "My foot is numb, tingling, cold or pale",
    ),
    RedFlag(
        "hot_swollen_joint",
        "RF-5",
        EMERGENCY,
        "Hot, red, swollen joint or fever: possible infection.",
        "a hot, red, swollen joint or a fever",
        "A joint is hot, red and swollen, or I have a fever",
    ),
    RedFlag(
        "focal_bone_pain",
        "RF-6",
        TODAY,
        "Focal bone pain, pain on hopping, or night pain: suspected bone stress injury.",
        "bone pain, pain on hopping, or pain at night or at rest",
        "One spot on a bone hurts, on hopping, at night or at rest",
    ),
    RedFlag(
        "severe_pain",
        "RF-7",
        CLINIC,
        "Severe pain (8/10 or more): review before any program.",
        "pain of 8/10 or more, or pain getting worse fast",
        "My pain is 8 out of 10 or more, or getting worse quickly",
    ),
)
BY_ANSWER: dict[str, RedFlag] = {flag.answer: flag for flag in RED_FLAGS}
BY_CODE: dict[str, RedFlag] = {flag.code: flag for flag in RED_FLAGS}
ANSWERS: tuple[str, ...] = tuple(sorted(BY_ANSWER))
