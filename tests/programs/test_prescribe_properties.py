"""Property test over random findings and histories: what the engine must never do."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.findings import FINDING_CODES, Finding, InjuryHistory
from programs.drills import CATEGORY_ORDER, DRILLS_BY_SLUG
from programs.prescribe import MAX_DRILLS, ExtraInputs, plyo_gate, prescribe
from programs.red_flags import ANSWERS

SIDES = ("left", "right")
CONDITIONS = (
    "achilles_midportion",
    "achilles_insertional",
    "plantar_heel_pain",
    "shin_splints",
    "ankle_sprain_acute",
    "ankle_sprain_recurrent",
    "bone_stress_injury",
    "other",
)

side = st.sampled_from(("left", "right", "both"))
findings = st.lists(
    st.builds(
        lambda code, s, sev, prov, value: Finding(
            code, s, sev, f"{code} evidence", FINDING_CODES[code], prov, value
        ),
        st.sampled_from(sorted(FINDING_CODES)),
        side,
        st.sampled_from(("none", "mild", "marked")),
        st.booleans(),
        st.one_of(st.none(), st.floats(-12, 12)),
    ),
    max_size=12,
)
histories = st.lists(
    st.builds(
        InjuryHistory, st.sampled_from(CONDITIONS), side, st.sampled_from(("current", "past"))
    ),
    max_size=4,
)
per_side_int = st.fixed_dictionaries(
    {
        "left": st.one_of(st.none(), st.integers(0, 60)),
        "right": st.one_of(st.none(), st.integers(0, 60)),
    }
)
extras = st.builds(
    ExtraInputs,
    measurements=st.fixed_dictionaries(
        {
            "heel_raise_reps": per_side_int,
            "balance_eyes_open_s": per_side_int,
            "knee_to_wall_cm": per_side_int,
        }
    ),
    hop_pain=st.fixed_dictionaries(
        {
            "left": st.one_of(st.none(), st.integers(0, 4)),
            "right": st.one_of(st.none(), st.integers(0, 4)),
        }
    ),
    weeks_on_strength_rung=st.integers(0, 4),
    red_flags=st.lists(st.sampled_from(ANSWERS), max_size=1).map(tuple) | st.just(()),
    first_step_pain=st.one_of(st.none(), st.integers(0, 8)),
)


def _sides(s: str) -> set[str]:
    return set(SIDES) if s == "both" else {s}


def _forbidden(drill, variant, s, *, hx, found, gates, first_step_pain) -> bool:
    """An independent reading of docs/clinical-rules.md §6 and §8: may `drill` run on side `s`?"""

    def has(condition, statuses=("current",)):
        return any(
            h.condition == condition and h.status in statuses and s in _sides(h.side) for h in hx
        )

    insertional = has("achilles_insertional")
    midportion = has("achilles_midportion") or (
        not insertional
        and any(f.code == "tendon_irritability" and s in _sides(f.side) for f in found)
    )
    if insertional and (
        drill in ("kneeling_df", "calf_stretch_static", "banded_df_mob", "assisted_df")
        or (drill == "eccentric_step_heel_drop" and not variant.startswith("floor level"))
        or (drill == "heel_raise_single" and "step" in variant)
    ):
        return True
    if midportion and drill in ("banded_df_mob", "calf_stretch_static"):
        return True
    if has("ankle_sprain_acute") and drill in (
        "banded_df_mob",
        "short_hops",
        "lateral_shuffle",
        "sl_balance_unstable",
        "sl_balance_perturb",
    ):
        return True
    if drill == "short_hops":
        if has("plantar_heel_pain") and (first_step_pain is None or first_step_pain > 3):
            return True
        if not gates[s].open:
            return True
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=findings,
    hx=histories,
    extra=extras,
    age=st.integers(18, 85),
    sex=st.sampled_from(("female", "male", "other")),
)
def test_programs_respect_every_modifier_gate_and_convention(found, hx, extra, age, sex):
    program = prescribe(found, history=hx, age=age, sex=sex, extras=extra)

    if extra.red_flags or any(
        h.condition == "bone_stress_injury" and h.status == "current" for h in hx
    ):
        assert program.items == () and program.has_red_flag
        return

    strict = {
        s: any(
            h.condition in ("shin_splints", "bone_stress_injury")
            and h.status in ("current", "past")
            and s in _sides(h.side)
            for h in hx
        )
        for s in SIDES
    }
    gates = {s: plyo_gate(s, age=age, sex=sex, extras=extra, strict=strict[s]) for s in SIDES}
    items = program.items
    assert len(items) <= MAX_DRILLS
    assert [i.order for i in items] == list(range(1, len(items) + 1))
    ranks = [CATEGORY_ORDER.index(i.category) for i in items]
    assert ranks == sorted(ranks)

    covered: set[tuple[str, str]] = set()
    for item in items:
        assert item.drill in DRILLS_BY_SLUG and DRILLS_BY_SLUG[item.drill].prescribable
        assert item.side in ("left", "right", "both")
        assert 1 <= item.sets <= 10
        assert item.reps is None or 1 <= item.reps <= 100
        assert item.hold_s is None or 1 <= item.hold_s <= 600
        assert item.reps is not None or item.hold_s is not None
        assert 1 <= item.days_per_week <= 7
        assert item.reason.strip() and item.rule
        for s in _sides(item.side):
            assert (item.drill, s) not in covered, f"{item.drill} twice on {s}"
            covered.add((item.drill, s))
            assert not _forbidden(
                item.drill,
                item.variant,
                s,
                hx=hx,
                found=found,
                gates=gates,
                first_step_pain=extra.first_step_pain,
            ), f"{item.drill} ({item.variant}) on {s} is excluded"

    for item in items:
        if item.category == "strength" and item.days_per_week < 7:
            days = [d for d, orders in enumerate(program.week) if item.order in orders]
            assert all((b - a) % 7 not in (1, 6) for a in days for b in days if a != b)
    if items:
        assert {"strength", "mobility"} <= {i.category for i in items}
