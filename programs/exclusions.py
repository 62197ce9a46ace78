"""PURE: what the injury modifiers forbid (docs/clinical-rules.md §6). No Django imports.

One function, `modifier_exclusion`, answers "may this drill, in this variant, be done on a side
with these modifiers?". The prescription engine (`programs.prescribe`) asks it for the first
draft and the progression engine (`programs.progression_rules`) for every automatic step: a
T-UP, a new rung or variant, a step down (docs/clinical-rules.md §6, §7). The hop gate G-PLYO
and first-step pain of M-PHP are not modifiers and stay with the engines.
"""

from __future__ import annotations

from collections.abc import Iterable

# Loaded end-range dorsiflexion and hanging-heel stretches (M-AT-INS, also M-AT-MID in part).
END_RANGE_DF_INS = frozenset({"kneeling_df", "calf_stretch_static", "banded_df_mob", "assisted_df"})
END_RANGE_DF_MID = frozenset({"banded_df_mob", "calf_stretch_static"})
# Heel raises and drops that M-AT-INS keeps on the flat floor: never "off a step".
HEEL_RAISES = frozenset(
    {
        "heel_raise_bilateral",
        "heel_raise_single",
        "heel_raise_bent_knee",
        "runner_calf_raise",
        "eccentric_step_heel_drop",
    }
)
# Hops, fast lateral work, unstable surfaces and banded mobilisation (M-SPRAIN-ACUTE).
SPRAIN_ACUTE = frozenset(
    {
        "banded_df_mob",
        "short_hops",
        "lateral_shuffle",
        "sl_balance_unstable",
        "sl_balance_perturb",
    }
)
# Impact, running and cadence work while a bone stress injury is suspected (M-BSI-SUSPECT,
# docs/clinical-rules.md §6, §8).
BSI_SUSPECT = frozenset({"short_hops", "lateral_shuffle", "cadence_drill"})
# The order modifiers are named in when more than one forbids a drill (the strictest first).
ORDER = ("M-BSI-SUSPECT", "M-AT-INS", "M-AT-MID", "M-SPRAIN-ACUTE")


def _below_floor(drill: str, variant: str) -> bool:
    """A heel raise or drop that takes the heel below the forefoot (off a step, hanging)."""
    if drill not in HEEL_RAISES:
        return False
    words = variant.lower()
    if drill == "eccentric_step_heel_drop":
        # The drill is done off a step unless its variant keeps it at floor level.
        return not words.startswith("floor level")
    return "step" in words or "hanging" in words or "below" in words


def modifier_exclusion(drill: str, variant: str, modifiers: Iterable[str]) -> str | None:
    """The modifier that forbids `drill` done as `variant` on a side where `modifiers` are
    active, or None when none does (docs/clinical-rules.md §6).

    - M-AT-INS: nothing below floor level (step drops, heel raises off a step, hanging heels)
      and no loaded end-range dorsiflexion (kneeling or banded, static calf stretch to end range).
    - M-AT-MID: no banded end-range mobilisation, no static stretch to end range.
    - M-SPRAIN-ACUTE: no hops, fast lateral shuffles, unstable surfaces or banded mobilisation.
    - M-BSI-SUSPECT: no hops, shuffles or cadence (running) work.
    """
    active = frozenset(modifiers)
    for code in ORDER:
        if code not in active:
            continue
        if code == "M-AT-INS" and (drill in END_RANGE_DF_INS or _below_floor(drill, variant)):
            return code
        if code == "M-AT-MID" and drill in END_RANGE_DF_MID:
            return code
        if code == "M-SPRAIN-ACUTE" and drill in SPRAIN_ACUTE:
            return code
        if code == "M-BSI-SUSPECT" and drill in BSI_SUSPECT:
            return code
    return None
