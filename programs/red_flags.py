"""PURE: the red flags of docs/clinical-rules.md §8, in one table. No Django imports.

Each answer code of the API (`cannot_bear_weight`, ...) has its rule code (RF-1 ... RF-7), the
urgency of what the patient must do, the clinician's line, the patient's words for what they
reported and the question the patient answers. The urgency tiers and their messages follow
docs/clinical-rules.md §8 (from clinical.md 8.10): emergency, today, clinic.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(text: str) -> str:
    """Marks a patient's text for the translation catalogue (makemessages knows this name) and
    returns it unchanged: this module stays free of Django; the page and the API translate it
    for the reader (programs.selectors.program_pause, programs.patient_home)."""
    return text


EMERGENCY, TODAY, CLINIC = "emergency", "today", "clinic"
URGENCIES = (EMERGENCY, TODAY, CLINIC)  # most urgent first

# What the patient is told (docs/clinical-rules.md §8), most urgent first.
GET_HELP_NOW = gettext_noop(
    "Stop. Get urgent medical help today; call the emergency number if it is severe."
)
DOCTOR_TODAY = gettext_noop("Stop. Do not walk on it more than you must and see a doctor today.")
CALL_CLINIC_TODAY = gettext_noop("Stop all exercise and running and call the clinic today.")
CALL_CLINIC = gettext_noop("Stop and call the clinic.")
PATIENT_MESSAGES = (GET_HELP_NOW, DOCTOR_TODAY, CALL_CLINIC_TODAY, CALL_CLINIC)

# What the clinician does about it, by urgency (the alert and the refused build say it).
CLINICIAN_ACTIONS = {
    EMERGENCY: "Emergency: the patient must get urgent medical care today (emergency services "
    "if severe). No exercise; contact the patient now.",
    TODAY: "Same day: medical review or imaging today, before any exercise or running. Contact "
    "the patient today.",
    CLINIC: "Clinic review: see or call the patient before any more exercise.",
}


@dataclass(frozen=True, slots=True)
class RedFlag:
    answer: str  # the API's answer code
    code: str  # RF-1 ... RF-7
    urgency: str  # EMERGENCY, TODAY or CLINIC
    clinician_text: str
    reported: str  # what the patient reported, to finish "You reported ..."
    question: str  # the patient's yes/no statement
    patient_message: str  # what to do now, one of PATIENT_MESSAGES

    @property
    def clinician_action(self) -> str:
        return CLINICIAN_ACTIONS[self.urgency]


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "cannot_bear_weight",
        "RF-1",
        TODAY,
        "Cannot take four steps or new bony tenderness after a fall or twist: rule out a "
        "fracture before any exercise.",
        "you could not take four steps or have new bony tenderness",
        gettext_noop("I cannot walk four steps, or a bone became tender after a fall or twist"),
        CALL_CLINIC_TODAY,
    ),
    RedFlag(
        "sudden_pop",
        "RF-2",
        TODAY,
        "Sudden pop at the back of the ankle or cannot push off: possible Achilles rupture.",
        "a sudden pop or kick at the back of the ankle",
        gettext_noop("I felt a sudden pop or kick at the back of my ankle"),
        DOCTOR_TODAY,
    ),
    RedFlag(
        "calf_swelling",
        "RF-3",
        EMERGENCY,
        "Calf swelling, warmth or tenderness: possible deep-vein thrombosis.",
        "a swollen, warm or tender calf",
        gettext_noop("My calf is swollen, warm or tender"),
        GET_HELP_NOW,
    ),
    RedFlag(
        "numbness_or_cold_foot",
        "RF-4",
        EMERGENCY,
        "Numbness, pins and needles, or a cold or pale foot: nerve or circulation problem.",
        "numbness, pins and needles, or a cold or pale foot",
        gettext_noop("My foot is numb, tingling, cold or pale"),
        GET_HELP_NOW,
    ),
    RedFlag(
        "hot_swollen_joint",
        "RF-5",
        EMERGENCY,
        "Hot, red, swollen joint or fever: possible infection.",
        "a hot, red, swollen joint or a fever",
        gettext_noop("A joint is hot, red and swollen, or I have a fever"),
        GET_HELP_NOW,
    ),
    RedFlag(
        "focal_bone_pain",
        "RF-6",
        TODAY,
        "Focal bone pain, pain on hopping, or night pain: suspected bone stress injury.",
        "bone pain, pain on hopping, or pain at night or at rest",
        gettext_noop("One spot on a bone hurts, on hopping, at night or at rest"),
        CALL_CLINIC_TODAY,
    ),
    RedFlag(
        "severe_pain",
        "RF-7",
        CLINIC,
        "Severe pain (8/10 or more): review before any program.",
        "pain of 8/10 or more, or pain getting worse fast",
        gettext_noop("My pain is 8 out of 10 or more, or getting worse quickly"),
        CALL_CLINIC,
    ),
)
BY_ANSWER: dict[str, RedFlag] = {flag.answer: flag for flag in RED_FLAGS}
BY_CODE: dict[str, RedFlag] = {flag.code: flag for flag in RED_FLAGS}
ANSWERS: tuple[str, ...] = tuple(sorted(BY_ANSWER))


def most_urgent(answers) -> RedFlag | None:
    """The flag whose message is the most urgent among answer codes or RF codes (unknown
    codes count as severe pain: stop and call the clinic); None without any."""
    flags = [BY_ANSWER.get(a) or BY_CODE.get(a) or BY_ANSWER["severe_pain"] for a in answers]
    if not flags:
        return None
    return min(flags, key=lambda f: PATIENT_MESSAGES.index(f.patient_message))
