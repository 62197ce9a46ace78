"""The drill library: every seed drill and every slug of docs/clinical-rules.md §10 ships with
migrate.

The seed articles are not ours to copy into the repository: the tests that read them run where
the shared folder sits beside the checkout (CI always has it; with CI=true a missing folder is
a failure, elsewhere those two tests are skipped and say why)."""

import os
import re
from pathlib import Path

import pytest

from programs.drills import CATEGORY_ORDER, DRILLS, DRILLS_BY_SLUG
from programs.ladders import LADDERS
from programs.models import Drill, DrillCategory

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
RULES = ROOT / "docs" / "clinical-rules.md"

# Every drill the five seed articles name, in the seed's own words -> the library slug(s).
# Keys are (seed file prefix, phrase); the phrase must occur in that seed's text.
SEED_DRILLS: dict[tuple[str, str], tuple[str, ...]] = {
    # S1 Alpha Project
    ("000", "half-kneeling ankle dorsiflexion"): ("kneeling_df",),
    ("000", "heel raises with control"): ("heel_raise_bilateral",),
    ("000", "banded ankle mobilizations"): ("banded_df_mob",),
    ("000", "bent-knee and straight-knee variations"): (
        "calf_stretch_dyn_bent",
        "calf_stretch_dyn_straight",
    ),
    ("000", "toe yoga"): ("toe_yoga",),
    ("000", "short foot exercises"): ("short_foot",),
    ("000", "single-leg balance drills"): ("sl_balance_firm_eo",),
    ("000", "foam pads"): ("sl_balance_unstable",),
    # S2 CoreQuest
    ("001", "heel-elevated squat rock"): ("heel_elev_squat_rock",),
    ("001", "foot pronation drill with hip rotation (wall glide)"): ("pronation_wall_glide",),
    ("001", "toe yoga"): ("toe_yoga",),
    # S3 guidelines article
    ("002", "light ankle circles"): ("ankle_circles",),
    ("002", "controlled ankle rocks"): ("cc_df",),
    ("002", "gentle calf stretches"): ("calf_stretch_static",),
    ("002", "calf-raising progressions"): ("heel_raise_bilateral",),
    ("002", "gentle ankle wall slides"): ("cc_df",),
    ("002", "single-leg balance tasks with perturbations"): ("sl_balance_perturb",),
    ("002", "controlled internal and external rotation drills"): ("rotation_drills",),
    ("002", "slow, controlled lunges"): ("slow_lunge",),
    ("002", "wall-assisted kneeling dorsiflexion"): ("kneeling_df",),
    ("002", "resisted dorsiflexion, plantarflexion, and ankle inversion/eversion with bands"): (
        "band_df",
        "band_pf",
        "band_inv",
        "band_ev",
    ),
    ("002", "single-leg stance on a soft surface or wobble board"): ("sl_balance_unstable",),
    ("002", "short hops with landing softening"): ("short_hops",),
    ("002", "lateral shuffles"): ("lateral_shuffle",),
    ("002", "controlled foot-rolling"): ("plantar_roll",),
    ("002", "gentle plantar fascia stretches"): ("pf_stretch",),
    # S4 Finding Fortitude
    ("003", "closed chain dorsiflexion"): ("cc_df",),
    ("003", "runner's position calf raises"): ("runner_calf_raise",),
    ("003", "eccentric heel raises off a step"): ("eccentric_step_heel_drop",),
    # S5 progression article
    ("004", "gentle ankle circles"): ("ankle_circles",),
    ("004", "short assisted dorsiflexion sessions"): ("assisted_df",),
    ("004", "calf and soleus rolling"): ("calf_roll",),
    ("004", "towel scrunches"): ("towel_scrunch",),
    ("004", "marble pickups"): ("marble_pickup",),
    ("004", "resisted ankle dorsiflexion using a light band"): ("band_df",),
    ("004", "plantarflexion with controlled tempo"): ("band_pf",),
    ("004", "inverted and everted movements"): ("band_inv", "band_ev"),
    ("004", "balance challenges on a firm surface"): ("sl_balance_firm_eo",),
    ("004", "single-leg stance with eyes closed"): ("sl_balance_ec",),
    ("004", "unstable pad"): ("sl_balance_unstable",),
    ("004", "diagonal pushes"): ("diagonal_push",),
    ("004", "heel raises with knee flexion"): ("heel_raise_bent_knee",),
    ("004", "heel-toe reload drills"): ("heel_toe_reload",),
    ("004", "slow, controlled steps on a ramp or incline"): ("incline_steps",),
    ("004", "standing gastrocnemius curls"): ("calf_stretch_dyn_straight",),
    ("004", "controlled ankle plantarflexion and dorsiflexion"): ("active_df_pf",),
    ("004", "resistance to plantarflexors and invertors"): ("band_pf", "band_inv"),
    ("004", "ankle dorsiflexion with toe taps"): ("df_toe_taps",),
    ("004", "ankle rolls"): ("ankle_circles",),
    ("004", "light calf stretches"): ("calf_stretch_static",),
    ("004", "heel raises on both feet"): ("heel_raise_bilateral",),
    ("004", "single-leg variants"): ("heel_raise_single",),
    ("004", "resisted ankle inversion and eversion"): ("band_inv", "band_ev"),
    ("004", "weighted suitcase carry"): ("suitcase_carry",),
    ("004", "light cadence drills"): ("cadence_drill",),
    ("004", "controlled hops or soft landings"): ("short_hops",),
    ("004", "contrast therapy"): ("recovery_adjuncts",),
    ("004", "compression strategies"): ("recovery_adjuncts",),
}


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).lower()


def _seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true, but the seed articles are not at {SEEDS}.", pytrace=False)
        pytest.skip(f"seed articles not found at {SEEDS} (CI runs this test)")
    return {p.name[:3]: _normalise(p.read_text()) for p in sorted(SEEDS.glob("*.txt"))}


def _catalogue_slugs() -> list[str]:
    text = RULES.read_text()
    section = text[text.index("## §10 ") : text.index("## §11 ")]
    first_cells = re.findall(r"^\| ((?:`[a-z_]+`(?:, )?)+) \|", section, flags=re.MULTILINE)
    return [slug for cell in first_cells for slug in re.findall(r"`([a-z_]+)`", cell)]


def test_every_seed_phrase_is_in_its_seed_and_maps_to_library_drills():
    texts = _seed_texts()
    assert set(texts) == {"000", "001", "002", "003", "004"}
    for (seed, phrase), slugs in SEED_DRILLS.items():
        assert phrase in texts[seed], f"{phrase!r} is not in seed {seed}"
        for slug in slugs:
            assert slug in DRILLS_BY_SLUG, f"{phrase!r} -> {slug} missing from the library"


def test_every_catalogue_slug_exists_and_nothing_else():
    slugs = _catalogue_slugs()
    assert len(slugs) == 42
    assert set(slugs) == set(DRILLS_BY_SLUG)
    assert len(DRILLS) == len(DRILLS_BY_SLUG)  # no slug twice


@pytest.mark.parametrize("drill", DRILLS, ids=lambda d: d.slug)
def test_each_drill_is_complete_for_a_runner_at_home(drill):
    assert drill.category in CATEGORY_ORDER
    assert drill.name and drill.dose and drill.precautions
    assert drill.target_deficits and drill.seeds
    assert len(drill.instructions) >= 2 and all(s.strip() for s in drill.instructions)
    assert drill.cues
    assert drill.sets >= 1 and (drill.reps or drill.hold_s)


def test_model_category_choices_follow_the_session_order():
    assert tuple(DrillCategory.values) == CATEGORY_ORDER


def test_all_ladders_exist_and_use_library_drills():
    expected = {"L-DF", "L-CALF", "L-TENDON", "L-TENDON-INS", "L-PLANTAR", "L-INT", "L-BAL"}
    expected |= {"L-LAT", "L-HX", "L-ROT"}
    assert set(LADDERS) == expected
    for ladder in LADDERS.values():
        assert ladder.rungs
        for rung in (*ladder.rungs, *ladder.adjuncts):
            assert rung.drill in DRILLS_BY_SLUG, (ladder.code, rung.drill)
            assert 1 <= rung.sets <= rung.max_sets
            assert rung.reps or rung.hold_s


def test_insertional_tendon_ladder_never_drops_below_the_step():
    for rung in LADDERS["L-TENDON-INS"].rungs:
        if rung.drill in ("eccentric_step_heel_drop", "heel_raise_single"):
            assert rung.variant.startswith("floor level")


@pytest.mark.django_db
def test_migrate_ships_the_library():
    library = Drill.objects.filter(clinic__isnull=True)
    assert set(library.values_list("slug", flat=True)) == set(DRILLS_BY_SLUG)
    toe_yoga = library.get(slug="toe_yoga")
    assert toe_yoga.instructions and toe_yoga.cues and toe_yoga.default_reps == 10


def test_no_migration_runs_the_project_code():
    """A data migration that calls live code breaks a fresh `migrate` once that code changes
    (the drill library follows the catalogue after migrate instead). Field validators and
    managers named in the schema, as makemigrations writes them, are fine; code run by a
    migration's functions must be its own."""
    import ast

    root = Path(__file__).resolve().parents[2]
    first_party = {"clinic", "assessments", "programs", "bench"}
    for path in root.glob("**/migrations/*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        ours = set()
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = getattr(node, "module", None) or node.names[0].name
                if module.split(".")[0] in first_party:
                    ours |= {(a.asname or a.name).split(".")[0] for a in node.names}
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    module = getattr(node, "module", None) or node.names[0].name
                    assert module.split(".")[0] not in first_party, f"{path} imports {module}"
                if isinstance(node, ast.Name):
                    assert node.id not in ours, f"{path}: {function.name} calls {node.id}"
