"""PURE: what the patient reads about a program item, in plain words. No Django imports.

docs/clinical-rules.md §1 (plain words, incomplete screens) and §10 (variants): the patient
reads one short sentence per rule behind a drill (never a rule code, threshold, evidence or
slug), the steps of the variant they must do, its precautions and how often a day. The
clinician's view keeps the evidence (`ProgramItem.reason`) and the codes.

Every function that returns words takes the reader's `language` ("en" or "es", issue 22). The
Spanish sits next to the English as data; a string without Spanish falls back to its English,
one string at a time, never the whole item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .drills import DRILLS_BY_SLUG, ES, variant_matches

SIDES = ("left", "right")
ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)

# "{side}" in a Spanish sentence agrees with a masculine noun (tobillo, pie, talón), "{side_f}"
# with a feminine one (pierna, pantorrilla).
_SIDE_WORDS = {
    ENGLISH: {"left": ("left", "left"), "right": ("right", "right")},
    SPANISH: {"left": ("izquierdo", "izquierda"), "right": ("derecho", "derecha")},
}

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

# The same sentences in Spanish, for a patient who reads Spanish (same keys as RULE_SENTENCES).
RULE_SENTENCES_ES: dict[str, tuple[str, str]] = {
    "R-DF-1": (
        "Tu tobillo {side} se dobla menos de lo normal, así que lo vamos a soltar con suavidad.",
        "Tus dos tobillos se doblan menos de lo normal, así que los vamos a soltar con suavidad.",
    ),
    "R-DF-3": (
        "Tu tobillo {side} se veía rígido al moverte, así que lo vamos a soltar con suavidad.",
        "Tus tobillos se veían rígidos al moverte, así que los vamos a soltar con suavidad.",
    ),
    "R-DF-2": (
        "Tu tobillo {side} se dobla menos que el otro, así que lo vamos a soltar con suavidad.",
        "Tus tobillos no se doblan igual, así que vamos a soltar con suavidad el más rígido.",
    ),
    "R-PF-1": (
        "Tu pantorrilla {side_f} se cansa antes de lo normal, así que la vamos a fortalecer "
        "paso a paso.",
        "Tus pantorrillas se cansan antes de lo normal, así que las vamos a fortalecer paso a "
        "paso.",
    ),
    "R-PF-2": (
        "Tu pantorrilla {side_f} es más débil que la otra, así que la vamos a ayudar a alcanzarla.",
        "Una pantorrilla es más débil que la otra, así que la alcanza mientras la otra se "
        "mantiene fuerte.",
    ),
    "R-BAL-1": (
        "Puedes pararte en tu pierna {side_f} menos tiempo de lo normal, así que vamos a "
        "practicar el equilibrio.",
        "Puedes pararte en una pierna menos tiempo de lo normal, así que vamos a practicar el "
        "equilibrio.",
    ),
    "R-BAL-2": (
        "Con los ojos cerrados, tu equilibrio en la pierna {side_f} dura menos de lo normal, "
        "así que lo vamos a practicar.",
        "Con los ojos cerrados, tu equilibrio en una pierna dura menos de lo normal, así que "
        "lo vamos a practicar.",
    ),
    "R-BAL-3": (
        "Tu equilibrio en la pierna {side_f} no es tan bueno como en la otra, así que tendrá "
        "práctica extra.",
        "Tu equilibrio es distinto en cada pierna, así que la más débil tendrá práctica extra.",
    ),
    "R-YBT-1": (
        "Tu pierna {side_f} está menos firme cuando te estiras y te doblas sobre ella, así que "
        "vamos a practicar el equilibrio sobre una superficie blanda.",
        "Tus piernas están menos firmes cuando te estiras y te doblas, así que vamos a "
        "practicar el equilibrio sobre una superficie blanda.",
    ),
    "R-FP-1": (
        "El arco de tu pie {side} baja más de lo normal, así que vamos a fortalecer los "
        "músculos pequeños que lo sostienen.",
        "Los arcos de tus pies bajan más de lo normal, así que vamos a fortalecer los músculos "
        "pequeños que los sostienen.",
    ),
    "R-FP-2": (
        "Tu pie {side} es rígido y de arco alto, así que lo vamos a ayudar a moverse con más "
        "libertad.",
        "Tus pies son rígidos y de arco alto, así que los vamos a ayudar a moverse con más "
        "libertad.",
    ),
    "R-FP-3": (
        "La forma de tu pie {side} está fuera de lo habitual, así que vamos a entrenar los "
        "músculos del pie y tu terapeuta revisará tu calzado.",
        "La forma de tus pies está fuera de lo habitual, así que vamos a entrenar los músculos "
        "del pie y tu terapeuta revisará tu calzado.",
    ),
    "R-HX-1": (
        "Tu dedo gordo {side} se dobla hacia arriba menos de lo normal, así que lo vamos a "
        "ayudar a moverse.",
        "Tus dedos gordos se doblan hacia arriba menos de lo normal, así que los vamos a "
        "ayudar a moverse.",
    ),
    "R-LAT-1": (
        "Tu tobillo {side} está menos firme de lado a lado, así que vamos a fortalecer los "
        "músculos que evitan que se doble.",
        "Tus tobillos están menos firmes de lado a lado, así que vamos a fortalecer los "
        "músculos que evitan que se doblen.",
    ),
    "R-INT-1": (
        "Los músculos pequeños de tu pie {side} necesitan más control, así que los vamos a "
        "entrenar.",
        "Los músculos pequeños de tus pies necesitan más control, así que los vamos a entrenar.",
    ),
    "R-GAIT-1": (
        "Das pasos largos y lentos al correr, así que vamos a practicar pasos un poco más rápidos.",
        "Das pasos largos y lentos al correr, así que vamos a practicar pasos un poco más rápidos.",
    ),
    "R-GAIT-2": (
        "Tu talón {side} se levanta antes de tiempo al moverte, así que vamos a mantener ese "
        "tobillo doblándose bien.",
        "Tus talones se levantan antes de tiempo al moverte, así que vamos a mantener tus "
        "tobillos doblándose bien.",
    ),
    "R-GAIT-3": (
        "Tu rodilla o tu cadera se desvía cuando te paras sobre la pierna {side_f}, así que "
        "vamos a practicar un equilibrio firme en una pierna.",
        "Tus rodillas o tus caderas se desvían cuando te paras en una pierna, así que vamos a "
        "practicar un equilibrio firme en una pierna.",
    ),
    "M-AT-MID": (
        "Te duele el tendón de Aquiles {side}, así que lo vamos a cargar paso a paso para "
        "fortalecerlo sin que se irrite.",
        "Te duelen los tendones de Aquiles, así que los vamos a cargar paso a paso para "
        "fortalecerlos sin que se irriten.",
    ),
    "M-AT-INS": (
        "Te duele el tendón de Aquiles {side} donde se une al talón, así que todo se hace en "
        "el piso plano y aumenta paso a paso.",
        "Te duelen los tendones de Aquiles donde se unen al talón, así que todo se hace en el "
        "piso plano y aumenta paso a paso.",
    ),
    "M-PHP": (
        "Te duele el talón {side} por debajo, así que vamos a estirar y fortalecer con "
        "suavidad tu pie y tu pantorrilla.",
        "Te duelen los talones por debajo, así que vamos a estirar y fortalecer con suavidad "
        "tus pies y tus pantorrillas.",
    ),
    "M-SPRAIN-ACUTE": (
        "Te torciste el tobillo {side} hace poco, así que empezamos con movimientos suaves y "
        "sin dolor.",
        "Te torciste un tobillo hace poco, así que empezamos con movimientos suaves y sin dolor.",
    ),
    "M-CAI": (
        "Tu tobillo {side} ya se ha doblado antes, así que vamos a entrenar el equilibrio y "
        "los músculos que lo mantienen firme.",
        "Tus tobillos ya se han doblado antes, así que vamos a entrenar el equilibrio y los "
        "músculos que los mantienen firmes.",
    ),
    "M-MTSS": (
        "Has tenido dolor en la espinilla, así que vamos a fortalecer tus pies y pantorrillas "
        "y a bajar la carga sobre tus espinillas.",
        "Has tenido dolor en la espinilla, así que vamos a fortalecer tus pies y pantorrillas "
        "y a bajar la carga sobre tus espinillas.",
    ),
    "M-BSI-HX": (
        "Ya tuviste una lesión por estrés en un hueso, así que el trabajo de impacto aumenta "
        "muy poco a poco.",
        "Ya tuviste una lesión por estrés en un hueso, así que el trabajo de impacto aumenta "
        "muy poco a poco.",
    ),
    "M-BSI-SUSPECT": (
        "Tu dolor podría venir del hueso, así que no hay saltos ni carrera hasta que tu "
        "terapeuta lo revise.",
        "Tu dolor podría venir del hueso, así que no hay saltos ni carrera hasta que tu "
        "terapeuta lo revise.",
    ),
    "R-MAINT": (
        "Las pruebas que hicimos no encontraron nada que necesite trabajo extra, así que esto "
        "mantiene fuertes tus tobillos y tus pies.",
        "Las pruebas que hicimos no encontraron nada que necesite trabajo extra, así que esto "
        "mantiene fuertes tus tobillos y tus pies.",
    ),
    "R-MAINT-MIN": (
        "Todo programa mantiene algo de trabajo de fuerza y de flexión del tobillo cada semana.",
        "Todo programa mantiene algo de trabajo de fuerza y de flexión del tobillo cada semana.",
    ),
    "G-PLYO": (
        "Tu prueba de saltos salió bien, así que los saltitos cortos mantienen tus tendones "
        "elásticos.",
        "Tu prueba de saltos salió bien, así que los saltitos cortos mantienen tus tendones "
        "elásticos.",
    ),
}
FALLBACK_SENTENCE_ES = "Tu terapeuta eligió este ejercicio para ti."
_RULE_SENTENCES = {ENGLISH: RULE_SENTENCES, SPANISH: RULE_SENTENCES_ES}
_FALLBACK = {ENGLISH: FALLBACK_SENTENCE, SPANISH: FALLBACK_SENTENCE_ES}

# The core tests of a screen (docs/clinical-rules.md §1 missing data) and their plain names.
CORE_TESTS: dict[str, str] = {
    "knee_to_wall_cm": "knee-to-wall (ankle bend)",
    "heel_raise_reps": "heel raises",
    "balance_eyes_open_s": "single-leg balance",
}
CORE_TESTS_ES: dict[str, str] = {
    "knee_to_wall_cm": "rodilla a la pared (flexión del tobillo)",
    "heel_raise_reps": "elevaciones de talón",
    "balance_eyes_open_s": "equilibrio en una pierna",
}
_CORE_TESTS = {ENGLISH: CORE_TESTS, SPANISH: CORE_TESTS_ES}

# Clinician words in variant texts and what the patient reads instead.
_VARIANT_WORDS = (
    (re.compile(r"\s*\(HSR\)"), ""),
    (re.compile(r"\bHSR\b\s*"), ""),
    (re.compile(r"^Alfredson:\s*"), ""),
    (re.compile(r"isometric hold at mid-range"), "held still halfway up"),
    (re.compile(r"\bfloor level:\s*"), "on the flat floor: "),
    (re.compile(r"\bfloor level\b"), "on the flat floor"),
)
_NONE = re.compile(r"^(none in particular|ninguna en particular)\b", re.IGNORECASE)

# The pieces of a (plain) variant text and their Spanish: a variant is translated piece by
# piece between its commas and colons; one unknown piece keeps the whole variant in English.
VARIANT_PIECES_ES: dict[str, str] = {
    "10-15 m": "10-15 m",
    "2-1-2 tempo": "ritmo 2-1-2",
    "pause at the bottom": "pausa abajo",
    "3 s up / 3 s down": "3 s arriba / 3 s abajo",
    "3 s up / 2 s hold / 3 s down": "3 s arriba / 2 s sostenido / 3 s abajo",
    "3-s lowering": "bajando en 3 s",
    "backpack load": "con peso en una mochila",
    "heavier backpack": "mochila más pesada",
    "big-toe lift emphasis": "sobre todo levantando el dedo gordo",
    "both feet": "los dos pies",
    "then single-leg": "luego en una pierna",
    "each direction": "en cada dirección",
    "every second day": "un día sí y un día no",
    "eyes closed": "ojos cerrados",
    "eyes open": "ojos abiertos",
    "floor": "en el piso",
    "on the flat floor": "en el piso plano",
    "loaded": "con peso",
    "up on two": "subes con dos",
    "down on one": "bajas con uno",
    "heel stops at the floor": "el talón se detiene en el piso",
    "heavier band": "banda más fuerte",
    "light band": "banda ligera",
    "slow": "lento",
    "holding the short foot": "manteniendo el pie corto",
    "held still halfway up": "sostenido sin moverte a media altura",
    "knee and hip aligned": "rodilla y cadera alineadas",
    "off a step": "desde un escalón",
    "full range": "todo el recorrido",
    "pressure through the big toe": "presión sobre el dedo gordo",
    "push through the big toe": "empuja con el dedo gordo",
    "seated": "sentado",
    "single-leg": "en una pierna",
    "standing": "de pie",
    "toe extension": "dedos hacia arriba",
    "towel under toes": "toalla bajo los dedos",
    "straight and bent knee": "rodilla estirada y doblada",
    "twice daily": "dos veces al día",
    "3 times a day": "3 veces al día",
    "the first before your first steps in the morning": (
        "la primera antes de tus primeros pasos de la mañana"
    ),
    "near support": "cerca de un apoyo",
}
_RM = re.compile(r"^\d+RM$")  # "12RM": the load you can lift 12 times, the same in Spanish
_PIECE_BREAK = re.compile(r"(, |: )")


@dataclass(frozen=True)
class HowTo:
    """What the patient reads to do one item: its name, steps, tips and precautions."""

    name: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    precautions: tuple[str, ...]


def variant_of(variants: Sequence[Mapping], variant: str) -> Mapping | None:
    """The first variant spec (a `catalogue.VariantSpec` as a dict) the variant text selects."""
    index = variant_index(variants, variant)
    return variants[index] if index is not None else None


def variant_index(variants: Sequence[Mapping], variant: str) -> int | None:
    """Where in `variants` the first spec the variant text selects sits, or None."""
    return next(
        (n for n, v in enumerate(variants or ()) if variant_matches(v.get("match", ()), variant)),
        None,
    )


def how_to(
    *,
    name: str,
    instructions: Sequence[str],
    cues: Sequence[str],
    precautions: str,
    variants: Sequence[Mapping],
    variant: str,
    translation: Mapping | None = None,
) -> HowTo:
    """The steps that match the item's variant, or the drill's own.

    `translation` is the drill's text in the reader's language (catalogue_es.ES shape: name,
    instructions, cues, precautions and `variants` in the order of `variants`); each field it
    lacks falls back to the English one, the variant's before the drill's."""
    index = variant_index(variants, variant)
    spec = variants[index] if index is not None else {}
    text = translation or {}
    spoken = text.get("variants") or ()
    spec_text = spoken[index] if index is not None and index < len(spoken) else {}

    def first(*candidates):
        return next((c for c in candidates if c), ())

    return HowTo(
        name=first(spec_text.get("name"), spec.get("name"), text.get("name"), name),
        steps=tuple(
            first(
                spec_text.get("instructions"),
                spec.get("instructions"),
                text.get("instructions"),
                instructions,
            )
        ),
        cues=tuple(first(spec_text.get("cues"), spec.get("cues"), text.get("cues"), cues)),
        precautions=tuple(
            dict.fromkeys(
                [
                    *first(spec_text.get("precautions"), spec.get("precautions")),
                    *precaution_list(text.get("precautions") or precautions),
                ]
            )
        ),
    )


def precaution_list(text: str) -> list[str]:
    """A drill's precautions as separate sentences, without "None in particular"."""
    sentences = re.split(r"(?<=[.!])\s+", (text or "").strip())
    return [s for s in sentences if s and not _NONE.match(s)]


def plain_variant(variant: str, language: str = ENGLISH) -> str:
    """The variant as the patient reads it: without clinician shorthand (HSR, Alfredson)."""
    text = variant or ""
    for pattern, words in _VARIANT_WORDS:
        text = pattern.sub(words, text)
    text = text.strip(" ,;:")
    if language != SPANISH or not text:
        return text
    pieces = _PIECE_BREAK.split(text)
    spoken = []
    for n, piece in enumerate(pieces):
        if n % 2 or _RM.match(piece):  # a separator, or "12RM" (the same in Spanish)
            spoken.append(piece)
        elif piece in VARIANT_PIECES_ES:
            spoken.append(VARIANT_PIECES_ES[piece])
        else:
            return text  # one piece without Spanish: the English, whole
    return "".join(spoken)


def times_per_day_for(drill: str, variant: str) -> int:
    """How many times a day a library drill is done in this variant (1 when once)."""
    spec = DRILLS_BY_SLUG.get(drill)
    chosen = spec.variant(variant) if spec is not None else None
    return chosen.times_per_day if chosen is not None else 1


def times_words(times_per_day: int, language: str = ENGLISH) -> str:
    """ "once a day", "twice a day", "3 times a day" (Spanish: "una vez al día", ...)."""
    if language == SPANISH:
        if times_per_day <= 1:
            return "una vez al día"
        if times_per_day == 2:
            return "dos veces al día"
        return f"{times_per_day} veces al día"
    if times_per_day <= 1:
        return "once a day"
    if times_per_day == 2:
        return "twice a day"
    return f"{times_per_day} times a day"


def load_words(load_pct: float, language: str = ENGLISH) -> str:
    """Added load as a share of body weight, with kilograms for a 70 kg runner."""
    if load_pct <= 0:
        return ""
    kg = round(70 * load_pct / 100 * 2) / 2
    if language == SPANISH:
        return (
            f"agrega alrededor del {load_pct:g}% de tu peso corporal (unos {kg:g} kg si pesas "
            "70 kg), por ejemplo libros en una mochila"
        )
    return (
        f"add about {load_pct:g}% of your body weight (about {kg:g} kg if you weigh 70 kg), "
        "for example books in a backpack"
    )


def load_sentence(load_pct: float, language: str = ENGLISH) -> str:
    """load_words as the sentence an item's load note holds ("" without added load)."""
    words = load_words(load_pct, language)
    return f"{words[0].upper()}{words[1:]}." if words else ""


def rule_sentence(rule: str, sides: Iterable[str], language: str = ENGLISH) -> str:
    """The patient sentence of one rule on these sides, in `language` (English when the
    rule has no sentence in it)."""
    table = _RULE_SENTENCES.get(language, RULE_SENTENCES)
    fallback = _FALLBACK.get(language, FALLBACK_SENTENCE)
    one, both = table.get(rule) or RULE_SENTENCES.get(rule) or (fallback, fallback)
    words = _SIDE_WORDS.get(language, _SIDE_WORDS[ENGLISH])
    if rule not in table and rule in RULE_SENTENCES:
        words = _SIDE_WORDS[ENGLISH]  # an English sentence takes English sides
    chosen = [s for s in SIDES if s in set(sides)]
    if len(chosen) == 1:
        side, side_f = words[chosen[0]]
        return one.format(side=side, side_f=side_f)
    return both


def patient_reason(
    whys: Iterable[tuple[str, Iterable[str]]],
    untested: Sequence[str] = (),
    language: str = ENGLISH,
) -> str:
    """One sentence per rule behind an item (merged items list each rule once, its sides
    joined), never evidence, thresholds or codes. `untested` names core tests that were not
    done (in `language`, untested_names): a maintenance item then says so instead of
    "nothing found"."""
    sides_by_rule: dict[str, set[str]] = {}
    for rule, sides in whys:
        sides_by_rule.setdefault(rule, set()).update(sides)
    sentences = []
    for rule, sides in sides_by_rule.items():
        if rule == "R-MAINT" and untested:
            sentences.append(incomplete_sentence(untested, language))
        else:
            sentences.append(rule_sentence(rule, sides, language))
    return " ".join(dict.fromkeys(sentences))


def incomplete_sentence(untested: Sequence[str], language: str = ENGLISH) -> str:
    """What a maintenance item says when core tests were not done."""
    names = ", ".join(untested)
    if language == SPANISH:
        if len(untested) == len(CORE_TESTS):
            return (
                f"Algunas pruebas todavía no se hicieron ({names}: sin hacer), así que estos son "
                "ejercicios generales para mantener fuertes tus tobillos y tus pies hasta que "
                "tu terapeuta las complete."
            )
        return (
            "Las pruebas que hicimos no encontraron nada que necesite trabajo extra, así que "
            f"esto mantiene fuertes tus tobillos y tus pies. Todavía sin hacer: {names}; tu "
            "terapeuta podría revisarlas la próxima vez."
        )
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


def untested_names(missing: Iterable[tuple[str, str]], language: str = ENGLISH) -> list[str]:
    """Plain names of the untested core tests, with the side when only one side is missing."""
    sides: dict[str, list[str]] = {}
    for key, side in missing:
        sides.setdefault(key, []).append(side)
    names = _CORE_TESTS.get(language, CORE_TESTS)
    if language == SPANISH:
        side_word = {side: words[0] for side, words in _SIDE_WORDS[SPANISH].items()}
        return [
            names[key] if len(found) == 2 else f"{names[key]}, lado {side_word[found[0]]}"
            for key, found in sides.items()
        ]
    return [
        names[key] if len(found) == 2 else f"{names[key]}, {found[0]} side"
        for key, found in sides.items()
    ]


# --- what changed in the program, in the reader's words (issue 22) ---------------------------

# One sentence per kind of change the patient's page lists (ProgramChange.action): "{drill}"
# is the drill's name, "{dose}" the dose after the change. A change of another kind keeps the
# sentence stored with it.
CHANGE_SENTENCES: dict[str, dict[str, str]] = {
    ENGLISH: {
        "progressed": "{drill}: a step up, now {dose}, because it went well.",
        "regressed": "{drill}: a step back, now {dose}, to let it settle.",
        "drill_paused": "{drill} is on hold until your clinician checks it.",
        "undone": "{drill}: back to {dose}, as your clinician decided.",
        "overridden": "{drill}: {dose} now, as your clinician decided.",
    },
    SPANISH: {
        "progressed": "{drill}: un paso más, ahora {dose}, porque te fue bien.",
        "regressed": "{drill}: un paso atrás, ahora {dose}, para que se calme.",
        "drill_paused": "{drill} queda en pausa hasta que tu terapeuta lo revise.",
        "undone": "{drill}: de vuelta a {dose}, como decidió tu terapeuta.",
        "overridden": "{drill}: ahora {dose}, como decidió tu terapeuta.",
    },
}
# Why a drill waits on the patient's page (ProgramItem.paused); "{drill}" is its name.
PAUSED_SENTENCES = {
    ENGLISH: "{drill} is on hold until your clinician checks it.",
    SPANISH: "{drill} queda en pausa hasta que tu terapeuta lo revise.",
}
_LOAD_WORDS = {
    ENGLISH: "{sets} with about {pct}% of your body weight added",
    SPANISH: "{sets} con alrededor del {pct}% de tu peso corporal agregado",
}


def drill_name(slug: str, language: str = ENGLISH) -> str:
    """A library drill's name in `language` (English when it has none there); "" when the
    slug is not a library drill."""
    spec = DRILLS_BY_SLUG.get(slug)
    if spec is None:
        return ""
    if language == SPANISH:
        return (ES.get(slug) or {}).get("name") or spec.name
    return spec.name


def dose_text(dose: Mapping, language: str = ENGLISH) -> str:
    """ "3 × 12", "3 × 45 s", "2 × 10 × 5 s", with the added load in the reader's words."""
    parts = [str(dose.get("sets") or "")]
    if dose.get("reps") is not None:
        parts.append(str(dose["reps"]))
    if dose.get("hold_s") is not None:
        parts.append(f"{dose['hold_s']} s")
    text = " × ".join(parts)
    load = dose.get("load_pct") or 0
    if load > 0:
        words = _LOAD_WORDS.get(language, _LOAD_WORDS[ENGLISH])
        text = words.format(sets=text, pct=f"{load:g}")
    return text


def change_sentence(
    action: str, drill: str, detail: Mapping | None, language: str = ENGLISH
) -> str | None:
    """What one program change did, in `language`, from its structured fields (the action,
    the drill's slug and the doses in `detail`); None for a change it cannot word (a kind
    without a sentence, a drill not in the library, a dose missing), whose stored reason
    then stands."""
    table = CHANGE_SENTENCES.get(language, CHANGE_SENTENCES[ENGLISH])
    sentence = table.get(action)
    if sentence is None:
        return None
    detail = detail or {}
    dose = detail.get("before" if action == "undone" else "after")
    if "{dose}" in sentence and not (isinstance(dose, Mapping) and dose.get("sets")):
        return None
    slug = dose.get("drill") if isinstance(dose, Mapping) and dose.get("drill") else drill
    name = drill_name(slug, language) or drill_name(drill, language)
    if not name:
        return None
    return sentence.format(drill=name, dose=dose_text(dose, language) if dose else "")


def change_words(
    action: str, drill: str, detail: Mapping | None, stored: str, language: str = ENGLISH
) -> str:
    """What the patient reads of one change: the engine's own English sentence (`stored`,
    with its reasons) for an English reader; for another language the change worded from its
    fields, the stored sentence only when it cannot be worded."""
    if language == ENGLISH and stored:
        return stored
    return change_sentence(action, drill, detail, language) or stored


def paused_sentence(name: str, language: str = ENGLISH) -> str:
    """Why a drill the engine paused is not on today's list, in `language`."""
    return PAUSED_SENTENCES.get(language, PAUSED_SENTENCES[ENGLISH]).format(drill=name)
