"""PURE: every drill of docs/clinical-rules.md §10 with dose, precautions and home instructions.

No Django imports: the prescription engine reads this directly, and a data migration copies it
into the `Drill` table so clinics can browse, hide or extend the library.
"""

from __future__ import annotations

from dataclasses import dataclass

# The order drills appear in a home session (docs/clinical-rules.md §1).
CATEGORY_ORDER: tuple[str, ...] = (
    "soft-tissue",
    "mobility",
    "foot-intrinsic",
    "strength",
    "balance-neuromotor",
    "plyometric",
)


@dataclass(frozen=True)
class VariantSpec:
    """How a drill is done in one variant of a rung (docs/clinical-rules.md §10, variants).

    The item's variant text (a ladder rung's or the clinician's) selects the first spec whose
    `match` words all appear in it, case-insensitively. Empty fields fall back to the drill's.
    """

    match: tuple[str, ...]
    name: str = ""  # what the patient calls the drill in this variant
    instructions: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    precautions: tuple[str, ...] = ()  # added before the drill's own
    times_per_day: int = 1


def _v(match, name="", steps=(), cues=(), precautions=(), times_per_day=1) -> VariantSpec:
    return VariantSpec(
        tuple(match), name, tuple(steps), tuple(cues), tuple(precautions), times_per_day
    )


def variant_matches(match, variant: str) -> bool:
    """Whether every word of `match` is in the item's variant text (case-insensitive)."""
    text = variant.lower()
    return bool(text) and all(word.lower() in text for word in match)


@dataclass(frozen=True)
class DrillSpec:
    slug: str
    name: str
    category: str
    seeds: tuple[str, ...]
    target_deficits: tuple[str, ...]
    equipment: tuple[str, ...]
    sets: int
    reps: int | None
    hold_s: int | None
    dose: str  # the default dose as a clinician would write it
    precautions: str
    instructions: tuple[str, ...]  # numbered steps for the patient, in plain words
    cues: tuple[str, ...]
    unilateral: bool = True  # done one side at a time (False: both feet together)
    prescribable: bool = True  # False for advice that is not a drill (recovery adjuncts)
    variants: tuple[VariantSpec, ...] = ()  # most specific first

    def variant(self, variant: str) -> VariantSpec | None:
        """The variant spec the item's variant text selects, if any."""
        return next((v for v in self.variants if variant_matches(v.match, variant)), None)


def _d(slug, name, category, seeds, targets, equipment, dose, precautions, steps, cues, **kw):
    sets, reps, hold_s, text = dose
    return DrillSpec(
        slug=slug,
        name=name,
        category=category,
        seeds=tuple(seeds),
        target_deficits=tuple(targets),
        equipment=tuple(equipment),
        sets=sets,
        reps=reps,
        hold_s=hold_s,
        dose=text,
        precautions=precautions,
        instructions=tuple(steps),
        cues=tuple(cues),
        **{**kw, "variants": tuple(kw.get("variants", ()))},
    )


DRILLS: tuple[DrillSpec, ...] = (
    # --- mobility -------------------------------------------------------------------------
    _d(
        "ankle_circles",
        "Ankle circles",
        "mobility",
        ["S3", "S5"],
        ["warm-up", "rearfoot mobility"],
        [],
        (1, 10, None, "1 x 10 each direction, daily"),
        "After a recent sprain, stay in the range that does not hurt.",
        [
            "Sit or stand holding a wall, with one foot off the floor.",
            "Draw slow, wide circles with your toes, moving only at the ankle.",
            "Do 10 circles one way, then 10 the other way.",
            "Swap feet if both are on your plan.",
        ],
        ["Make the circle as big as feels easy, not forced.", "Keep your knee still."],
    ),
    _d(
        "active_df_pf",
        "Controlled ankle up-and-down (active dorsiflexion and plantarflexion)",
        "mobility",
        ["S5"],
        ["dorsiflexion range", "plantarflexion range", "ankle control"],
        [],
        (2, 15, None, "2 x 15 slow, daily"),
        "None in particular; stop if it pinches.",
        [
            "Sit tall with your leg straight out or stand on one leg holding a wall.",
            "Pull your toes up toward your shin as far as you can, slowly.",
            "Point your toes away as far as you can, slowly.",
            "That is one repetition.",
        ],
        ["Knee and hip stay pointing straight ahead.", "Take about two seconds each way."],
    ),
    _d(
        "assisted_df",
        "Short assisted dorsiflexion",
        "mobility",
        ["S5"],
        ["restricted dorsiflexion (beginner)"],
        ["strap or towel"],
        (3, None, 30, "3 x 30 s, daily"),
        "Achilles pain: gentle only. Insertional Achilles pain: do not use.",
        [
            "Sit with your leg straight and loop a strap or towel around the ball of your foot.",
            "Gently pull the strap so your toes come toward you until you feel a mild stretch.",
            "Hold for 30 seconds, breathing slowly, then relax.",
        ],
        ["Mild stretch only, never sharp.", "Keep the pull steady, no bouncing."],
    ),
    _d(
        "cc_df",
        "Closed-chain dorsiflexion (ankle wall slide / ankle rocks)",
        "mobility",
        ["S3", "S4"],
        ["restricted dorsiflexion"],
        ["wall"],
        (2, 10, 2, "2 x 10, 2-s end hold, daily"),
        "Pinching at the front of the ankle: make the movement smaller and tell your clinician. "
        "Insertional Achilles pain: stay away from the end of the range.",
        [
            "Stand facing a wall with the working foot a hand's length from it, foot flat.",
            "Slide your knee forward toward the wall over your second toe.",
            "Keep the heel on the floor; hold the end for 2 seconds.",
            "Come back slowly. That is one repetition.",
        ],
        ["Heel stays down.", "Knee travels over the middle toes, not inward."],
    ),
    _d(
        "kneeling_df",
        "Half-kneeling ankle dorsiflexion",
        "mobility",
        ["S1", "S3"],
        ["restricted dorsiflexion", "dorsiflexion asymmetry"],
        ["wall", "mat"],
        (3, 10, 3, "3 x 10 rocks, 3-s hold, daily"),
        "Achilles pain: no long holds at the end. Insertional Achilles pain: not used.",
        [
            "Kneel on a mat with one foot flat in front of you, like a lunge, near a wall.",
            "Shift your weight forward so the front knee moves past your toes.",
            "Keep the front heel down and hold 3 seconds, then rock back.",
        ],
        ["Heel glued to the floor.", "Move the knee forward, not the hips down."],
    ),
    _d(
        "banded_df_mob",
        "Banded ankle mobilization with forward lunge",
        "mobility",
        ["S1"],
        ["restricted dorsiflexion (joint glide)"],
        ["heavy band", "anchor"],
        (3, 10, 3, "3 x 10, 3-s hold, daily"),
        "Not during Achilles flare-ups, after an acute sprain or with a suspected fracture.",
        [
            "Anchor a heavy band low behind you and loop it around the front of your ankle, "
            "just below the ankle bones.",
            "Step forward into a half-kneel or lunge so the band pulls the ankle back.",
            "Drive the knee forward over the toes, hold 3 seconds, and come back.",
        ],
        ["The band pulls the ankle back while the knee goes forward.", "No pain at the front."],
    ),
    _d(
        "heel_elev_squat_rock",
        "Heel-elevated squat rock",
        "mobility",
        ["S2"],
        ["dorsiflexion under load", "big-toe loading"],
        ["wedge or weight plate"],
        (2, 8, None, "2-3 x 8-10 slow reps"),
        "Knee pain when squatting: reduce the depth.",
        [
            "Stand with both heels on a small wedge or plate, feet hip-width apart.",
            "Sink into a comfortable squat.",
            "Slowly rock your knees forward, keeping pressure through your big toes.",
            "Rock back and repeat slowly.",
        ],
        ["Whole foot stays in contact.", "Feel the pressure under the big toes."],
        unilateral=False,
    ),
    _d(
        "pronation_wall_glide",
        "Foot pronation drill with hip rotation (wall glide)",
        "mobility",
        ["S2"],
        ["dorsiflexion-pronation-hip coupling", "rigid foot"],
        ["wall"],
        (2, 6, None, "2-3 x 6-8 per side"),
        "Skip it if the inside of the foot is sore right now.",
        [
            "Stand side-on to a wall with the working foot parallel to it; the back foot rests "
            "on its toes for balance.",
            "Bend the front knee forward over the toes, keeping big toe, little toe and heel down.",
            "As the ankle bends, let your hips and chest turn toward the wall.",
            "Return slowly; you should feel the arch lower and then lift again.",
        ],
        ["Move slowly and keep a long spine.", "Three points of the foot stay on the floor."],
    ),
    _d(
        "calf_stretch_dyn_straight",
        "Dynamic calf stretch, straight knee",
        "mobility",
        ["S1", "S5"],
        ["gastrocnemius flexibility"],
        ["wall or step"],
        (1, 12, None, "1-2 x 10-15 slow pulses, before runs"),
        "Achilles pain: no bouncing at the end of the stretch.",
        [
            "Hands on a wall, step one foot back with the knee straight and heel down.",
            "Lean in gently until the upper calf feels a stretch, then ease off.",
            "Keep moving in and out slowly, like a gentle pulse.",
        ],
        ["Back heel stays on the floor.", "Smooth, not bouncy."],
    ),
    _d(
        "calf_stretch_dyn_bent",
        "Dynamic calf stretch, bent knee",
        "mobility",
        ["S1"],
        ["soleus flexibility"],
        ["wall or step"],
        (1, 12, None, "1-2 x 10-15"),
        "Achilles pain: no bouncing at the end of the stretch.",
        [
            "Stand in a short split stance facing a wall, weight on the back foot.",
            "Bend the back knee so it moves forward over the toes; feel the lower calf.",
            "Ease off and repeat in a slow rhythm.",
        ],
        ["Back heel stays down.", "The stretch sits low, near the ankle."],
    ),
    _d(
        "calf_stretch_static",
        "Gentle calf stretches (straight and bent knee)",
        "mobility",
        ["S3", "S5"],
        ["restricted dorsiflexion"],
        ["wall"],
        (3, None, 30, "3 x 30 s per position, daily"),
        "Achilles pain: not to the end of the range and never with the heel hanging off a "
        "step. Insertional Achilles pain: not used.",
        [
            "Face a wall with one foot back, heel down, knee straight.",
            "Lean in until you feel a mild stretch in the calf and hold 30 seconds.",
            "Now bend that back knee a little and hold another 30 seconds (lower calf).",
        ],
        ["A mild pull, never pain.", "Breathe out and let the calf relax."],
    ),
    _d(
        "rotation_drills",
        "Controlled internal and external rotation drills",
        "mobility",
        ["S3"],
        ["rotational and subtalar mobility"],
        [],
        (2, 10, None, "2 x 10 each way"),
        "Knee or hip pain: make the movement smaller.",
        [
            "Stand on the working foot with a hand on a wall.",
            "Keeping the foot flat, slowly turn your knee and hips inward, then outward.",
            "Let the arch lower as you turn in and lift as you turn out.",
        ],
        ["Foot stays planted.", "Slow and in control; small range is fine."],
    ),
    _d(
        "slow_lunge",
        "Slow controlled lunges",
        "mobility",
        ["S3"],
        ["dorsiflexion under load (uphill demand)"],
        [],
        (2, 8, None, "2 x 8 per side, 3-s lowering"),
        "Knee pain: shorten the range.",
        [
            "Step forward into a lunge, taking 3 seconds to lower.",
            "Let the front knee travel forward over the toes with the heel down.",
            "Push back up to standing and repeat.",
        ],
        ["Front heel stays down.", "Knee follows the middle toes."],
    ),
    _d(
        "pf_stretch",
        "Gentle plantar fascia stretch",
        "mobility",
        ["S3"],
        ["plantar heel pain", "hallux extension"],
        ["towel (optional)"],
        (10, None, 10, "10 x 10 s, 3 times a day, the first before getting out of bed"),
        "Sharp heel pain: stop.",
        [
            "Sit and cross the working foot over the other knee.",
            "Hold your toes and pull them back toward your shin until the sole feels tight.",
            "Hold 10 seconds and let go. Repeat 10 times.",
            "Do the first set before your first steps in the morning.",
        ],
        ["You should feel the band under the arch tighten.", "Gentle, not painful."],
        variants=[
            _v(
                ["3 times a day"],
                steps=[
                    "Before you get out of bed, sit up and cross the working foot over the other "
                    "knee.",
                    "Hold your toes and pull them back toward your shin until the sole feels "
                    "tight.",
                    "Hold 10 seconds and let go. Repeat 10 times.",
                    "Do the whole stretch 3 times a day: first thing in the morning, once in the "
                    "afternoon and once in the evening.",
                ],
                times_per_day=3,
            ),
        ],
    ),
    # --- strength -------------------------------------------------------------------------
    _d(
        "heel_raise_bilateral",
        "Heel raises with control (both feet)",
        "strength",
        ["S1", "S3", "S5"],
        ["calf endurance", "dorsiflexion end range"],
        ["wall", "step (optional)"],
        (3, 15, None, "3 x 15, 2 s up / 1 s pause / 2 s down, 3 times a week"),
        "Insertional Achilles pain: on the flat floor only.",
        [
            "Stand on both feet on the flat floor with fingertips on a wall.",
            "Rise onto your toes over 2 seconds.",
            "Pause at the top, then lower over 2 seconds.",
            "Pause briefly at the bottom before the next one.",
        ],
        ["Weight through the big toes.", "Slow and smooth; no bouncing."],
        unilateral=False,
        variants=[
            _v(
                ["isometric"],
                name="Calf hold (heel raise held still, both feet)",
                steps=[
                    "Stand on both feet on the flat floor with fingertips on a wall.",
                    "Rise about halfway up onto your toes and stop there.",
                    "Hold still at that height for the time on your plan, breathing normally: do "
                    "not move up and down.",
                    "Lower slowly and rest about 2 minutes before the next hold.",
                ],
                cues=[
                    "This is one long hold, not repeated raises.",
                    "A firm but comfortable effort; tendon pain often eases during the hold.",
                ],
                precautions=["Stay on the flat floor, never on the edge of a step."],
            ),
            _v(
                ["up on two, down on one"],
                name="Heel raises: up on two feet, down on one",
                steps=[
                    "Stand on both feet on the flat floor with fingertips on a wall.",
                    "Rise onto your toes using both feet.",
                    "Lift the other foot and lower slowly on the working foot, over about 3 "
                    "seconds.",
                    "Put both feet down and rise on both again. Work both sides in turn.",
                ],
                cues=["Up on two, down on one.", "The slow lowering is the exercise."],
            ),
            _v(
                ["3 s up"],
                steps=[
                    "Stand on both feet on the flat floor with fingertips on a wall.",
                    "Rise onto your toes slowly, counting 3 seconds on the way up.",
                    "Lower slowly, counting 3 seconds on the way down.",
                    "Do not bounce at the bottom; go straight into the next slow rise.",
                ],
                cues=["3 seconds up, 3 seconds down.", "Weight through the big toes."],
            ),
        ],
    ),
    _d(
        "heel_raise_single",
        "Single-leg heel raise",
        "strength",
        ["S5"],
        ["calf strength", "calf asymmetry", "plantar heel pain (towel variant)"],
        ["step", "rolled towel", "backpack"],
        (3, 10, None, "3 x 10-15; towel variant 3 x 12RM, 3-2-3 s, every second day"),
        "Achilles pain: stay within the tendon pain limits. Insertional Achilles pain: on the "
        "flat floor only.",
        [
            "Stand on one foot on the flat floor with fingertips on a wall for balance.",
            "Rise as high as you can onto the ball of the foot.",
            "Lower slowly until the heel touches the floor.",
        ],
        ["Go straight up, not rolling to the little toe.", "Same height every repetition."],
        variants=[
            _v(
                ["towel", "backpack"],
                name="Single-leg heel raise, towel under the toes, with a backpack",
                steps=[
                    "Put a backpack on with the weight your plan gives (books or water bottles).",
                    "Roll a small towel and lay it on the floor; stand on one foot with your toes "
                    "on the towel so they bend up, fingertips on a wall.",
                    "Rise as high as you can over 3 seconds.",
                    "Hold 2 seconds at the top, then lower over 3 seconds.",
                ],
                cues=["The heavier the load, the fewer the reps: stop when the set is hard."],
            ),
            _v(
                ["towel"],
                name="Single-leg heel raise, towel under the toes",
                steps=[
                    "Roll a small towel and lay it on the floor.",
                    "Stand on one foot with your toes on the towel so they bend up, fingertips on "
                    "a wall.",
                    "Rise as high as you can over 3 seconds.",
                    "Hold 2 seconds at the top, then lower over 3 seconds.",
                ],
                cues=["Toes stay up on the towel all the way.", "Slow: 3 up, 2 hold, 3 down."],
            ),
            _v(
                ["off a step", "3 s up"],
                name="Single-leg heel raise off a step, slow",
                steps=[
                    "Stand on one foot on the edge of a step, heel free, holding a rail.",
                    "Lower the heel slowly below the step, counting 3 seconds.",
                    "Rise as high as you can, counting 3 seconds.",
                    "When your plan adds load, wear a backpack with that weight in it.",
                ],
                cues=["3 seconds down, 3 seconds up.", "Full range, no bouncing."],
                precautions=["Insertional Achilles pain: not off a step; stay on the floor."],
            ),
            _v(
                ["off a step"],
                name="Single-leg heel raise off a step",
                steps=[
                    "Stand on one foot on the edge of a step, heel free, holding a rail.",
                    "Lower the heel slowly below the step as far as is comfortable.",
                    "Rise as high as you can onto the ball of the foot.",
                ],
                cues=["Full range: all the way down and all the way up.", "No bouncing."],
                precautions=["Insertional Achilles pain: not off a step; stay on the floor."],
            ),
            _v(
                ["backpack"],
                name="Single-leg heel raise with a backpack",
                steps=[
                    "Put a backpack on with the weight your plan gives (books or water bottles).",
                    "Stand on one foot on the flat floor with fingertips on a wall.",
                    "Rise as high as you can, then lower slowly until the heel touches the floor.",
                ],
                cues=["Stop the set when you can no longer rise to the same height."],
            ),
            _v(
                ["floor", "3 s up"],
                name="Single-leg heel raise on the floor, slow",
                steps=[
                    "Stand on one foot on the flat floor (not on a step) with fingertips on a "
                    "wall.",
                    "Rise as high as you can, counting 3 seconds.",
                    "Lower slowly, counting 3 seconds, until the heel touches the floor.",
                    "When your plan adds load, wear a backpack with that weight in it.",
                ],
                cues=["3 seconds up, 3 seconds down.", "The heel stops at the floor."],
                precautions=["Never on a step: the heel never drops below the toes."],
            ),
        ],
    ),
    _d(
        "heel_raise_bent_knee",
        "Heel raise with bent knee",
        "strength",
        ["S5"],
        ["soleus strength"],
        ["step", "backpack"],
        (3, 12, None, "3 x 12-15"),
        "As for single-leg heel raises.",
        [
            "Stand with knees slightly bent, fingertips on a wall.",
            "Keep the bend as you rise onto your toes.",
            "Lower slowly without straightening the knees.",
        ],
        ["Knee bend stays the same all the way.", "Slow on the way down."],
    ),
    _d(
        "runner_calf_raise",
        "Runner's-position calf raise",
        "strength",
        ["S4"],
        ["running-specific calf strength", "push-off"],
        ["box or bench"],
        (3, 10, None, "3 x 10-12 per side"),
        "Hold on to something for balance if you need to.",
        [
            "Stand in a split stance with the back foot up on a low box or bench.",
            "Stand tall and rise up onto the toes of your front foot.",
            "Lower back down slowly.",
        ],
        ["Stay tall like mid-stride.", "Push through the big toe."],
        variants=[
            _v(
                ["loaded"],
                name="Runner's-position calf raise with a weight",
                steps=[
                    "Put on a backpack with the weight your plan gives, or hold a weight in the "
                    "hand on the working side.",
                    "Stand in a split stance with the back foot up on a low box or bench and the "
                    "front foot flat on the floor.",
                    "Stand tall and rise up onto the toes of your front foot.",
                    "Lower back down slowly until the heel touches the floor.",
                ],
            ),
        ],
    ),
    _d(
        "eccentric_step_heel_drop",
        "Eccentric heel raise off a step",
        "strength",
        ["S4"],
        ["Achilles tendon capacity"],
        ["step", "backpack"],
        (
            3,
            15,
            None,
            "prevention 3 x 10-15, 3 times a week; Alfredson 3 x 15 + 3 x 15, twice daily",
        ),
        "Insertional Achilles pain: never lower below the step. Tendon pain up to 5/10 is "
        "acceptable if it settles by next morning.",
        [
            "Stand on the edge of a step on the balls of both feet, holding a rail.",
            "Rise up using both feet.",
            "Lift the other foot and lower slowly on the working foot (about 3 seconds).",
            "Put both feet back down to rise again.",
        ],
        ["Up on two, down on one.", "The lowering is the exercise: take your time."],
        variants=[
            _v(
                ["floor level"],
                name="Eccentric heel lowering on the floor",
                steps=[
                    "Stand on both feet on the flat floor (not on a step), fingertips on a wall.",
                    "Rise onto your toes using both feet.",
                    "Lift the other foot and lower slowly on the working foot, over about 3 "
                    "seconds.",
                    "Stop when your heel touches the floor: it never goes lower than the front of "
                    "your foot.",
                    "Put both feet down and rise on both again.",
                ],
                cues=["Up on two, down on one.", "The slow lowering is the exercise."],
                precautions=["Never on a step: the heel must not drop below the floor."],
            ),
            _v(
                ["alfredson"],
                name="Eccentric heel drop off a step, straight and bent knee",
                steps=[
                    "Stand on the edge of a step on the balls of both feet, holding a rail.",
                    "Rise up using both feet.",
                    "Lift the other foot and lower slowly on the working foot, knee straight, "
                    "until the heel is below the step (about 3 seconds).",
                    "Put both feet back down to rise again.",
                    "Do the same sets again with the working knee slightly bent.",
                    "Do the whole routine twice a day, every day.",
                ],
                times_per_day=2,
            ),
        ],
    ),
    _d(
        "band_df",
        "Resisted dorsiflexion (band)",
        "strength",
        ["S3", "S5"],
        ["shin muscle strength", "dorsiflexion control"],
        ["light band"],
        (3, 15, None, "3 x 15-20"),
        "None in particular.",
        [
            "Sit with legs straight; anchor a light band in front and loop it over your foot.",
            "Pull your toes up toward you against the band.",
            "Lower slowly back to the start.",
        ],
        ["Move only at the ankle.", "Control the way back."],
    ),
    _d(
        "band_pf",
        "Resisted plantarflexion (band)",
        "strength",
        ["S3", "S5"],
        ["calf and tendon primer"],
        ["band"],
        (3, 15, None, "3 x 15-20"),
        "None in particular.",
        [
            "Sit with the leg straight and loop a band around the ball of your foot, holding "
            "the ends.",
            "Point your toes away against the band through the full range.",
            "Come back slowly.",
        ],
        ["Full range each time.", "Steady tempo."],
    ),
    _d(
        "band_inv",
        "Resisted inversion (band)",
        "strength",
        ["S3", "S5"],
        ["arch support (tibialis posterior)"],
        ["band"],
        (3, 15, None, "3 x 15"),
        "Recent sprain: pain-free range only.",
        [
            "Sit with the band anchored to the outside of your foot.",
            "Turn the sole of your foot inward against the band.",
            "Return slowly.",
        ],
        ["Keep the knee still; only the foot turns.", "Slow both ways."],
    ),
    _d(
        "band_ev",
        "Resisted eversion (band)",
        "strength",
        ["S3", "S5"],
        ["lateral stability (peroneals)"],
        ["band"],
        (3, 15, None, "3 x 15"),
        "Recent sprain: pain-free range only.",
        [
            "Sit with the band anchored to the inside of your foot.",
            "Turn the sole of your foot outward against the band.",
            "Return slowly.",
        ],
        ["Keep the knee still; only the foot turns.", "Slow both ways."],
    ),
    _d(
        "diagonal_push",
        "Diagonal pushes (band)",
        "strength",
        ["S5"],
        ["multi-direction ankle control"],
        ["band"],
        (3, 10, None, "3 x 10 per diagonal"),
        "None in particular.",
        [
            "Loop a band around the forefoot and hold or anchor it.",
            "Push the foot down and out on a diagonal, then return slowly.",
            "Repeat the other diagonal: down and in.",
        ],
        ["Smooth line, like drawing a diagonal with your toes.", "Control the return."],
    ),
    _d(
        "suitcase_carry",
        "Weighted suitcase carry",
        "strength",
        ["S5"],
        ["ankle stability under load"],
        ["kettlebell or dumbbell"],
        (3, None, 30, "3 x 20-30 m per hand"),
        "Skip if your foot is sore right now.",
        [
            "Hold a weight in one hand at your side like a suitcase.",
            "Walk tall for 20-30 metres, steady steps.",
            "Swap hands and walk back.",
        ],
        ["Stand tall; do not lean toward the weight.", "Quiet, even footsteps."],
        unilateral=False,
    ),
    # --- foot intrinsic -------------------------------------------------------------------
    _d(
        "toe_yoga",
        "Toe yoga",
        "foot-intrinsic",
        ["S1", "S2"],
        ["toe control", "big-toe mobility"],
        [],
        (2, 10, None, "2-3 x 10, alternating"),
        "None in particular.",
        [
            "Sit or stand barefoot with feet flat.",
            "Lift only your big toes, keeping the small toes on the floor.",
            "Now press the big toes down and lift the small toes.",
            "Swap back and forth slowly; each swap is one repetition.",
        ],
        ["Foot stays flat; do not roll in or out.", "Slow and precise beats fast."],
        unilateral=False,
    ),
    _d(
        "short_foot",
        "Short foot exercise",
        "foot-intrinsic",
        ["S1"],
        ["arch control", "pronation", "toe clawing"],
        [],
        (2, 10, 5, "2-3 x 10 x 5-s hold; seated, then standing, then on one leg"),
        "Do not curl the toes; if they curl, go back to doing it seated.",
        [
            "Sit with the foot flat on the floor.",
            "Without curling your toes, draw the ball of the big toe back toward the heel.",
            "Your arch lifts and the foot gets a little shorter. Hold 5 seconds.",
            "Relax and repeat.",
        ],
        ["Toes stay long and relaxed.", "Big-toe joint stays on the floor."],
        variants=[
            _v(
                ["single-leg"],
                name="Short foot on one leg",
                steps=[
                    "Stand on the working foot next to a counter, the other foot lifted.",
                    "Without curling your toes, draw the ball of the big toe back toward the heel.",
                    "Keep the arch lifted for 5 seconds while you balance.",
                    "Relax and repeat.",
                ],
            ),
            _v(
                ["standing"],
                name="Short foot, standing",
                steps=[
                    "Stand with both feet flat, hip-width apart, next to a counter.",
                    "Without curling your toes, draw the ball of the big toe back toward the heel.",
                    "Your arch lifts and the foot gets a little shorter. Hold 5 seconds.",
                    "Relax and repeat.",
                ],
            ),
        ],
    ),
    _d(
        "towel_scrunch",
        "Towel scrunches",
        "foot-intrinsic",
        ["S5"],
        ["toe flexor strength (entry level)"],
        ["towel"],
        (2, None, 30, "2 x 30 s"),
        "Cramp: stop. Not the main drill if your toes already claw.",
        [
            "Sit with a towel flat under your foot.",
            "Use your toes to pull the towel toward you in small scrunches.",
            "Keep going for 30 seconds, then flatten the towel and repeat.",
        ],
        ["Heel stays put.", "Relax between scrunches."],
    ),
    _d(
        "marble_pickup",
        "Marble pickups",
        "foot-intrinsic",
        ["S5"],
        ["toe dexterity (entry level)"],
        ["marbles", "cup"],
        (2, 10, None, "2 x 10-20"),
        "Cramp: stop.",
        [
            "Sit with some marbles on the floor and a cup next to your foot.",
            "Pick up one marble with your toes and drop it in the cup.",
            "Repeat until the set is done.",
        ],
        ["Take your time.", "Use all the toes, not just the big toe."],
    ),
    # --- balance and neuromotor -----------------------------------------------------------
    _d(
        "sl_balance_firm_eo",
        "Single-leg balance, eyes open",
        "balance-neuromotor",
        ["S1", "S5"],
        ["static balance"],
        [],
        (3, None, 30, "3 x 30 s, building to 60 s, per side"),
        "Stand next to a wall or counter you can grab.",
        [
            "Stand barefoot next to a counter.",
            "Lift one foot and balance on the other for the set time.",
            "If you touch down, just start again.",
        ],
        ["Soft knee.", "Eyes on a fixed spot.", "Knee over the second toe."],
        variants=[
            _v(
                ["short foot"],
                name="Single-leg balance holding the short foot",
                steps=[
                    "Stand barefoot next to a counter and make the short foot: draw the ball of "
                    "the big toe back toward the heel without curling the toes.",
                    "Keep that arch and lift the other foot.",
                    "Balance for the set time; if the arch drops or the toes curl, start again.",
                ],
            ),
        ],
    ),
    _d(
        "sl_balance_ec",
        "Single-leg balance, eyes closed",
        "balance-neuromotor",
        ["S5"],
        ["proprioception"],
        [],
        (3, None, 15, "3 x 15 s, building to 30 s"),
        "Right next to support; older runners try it supervised first.",
        [
            "Stand on one foot next to a counter, as in the eyes-open version.",
            "Once steady, close your eyes and hold.",
            "Open your eyes or touch the counter whenever you need to.",
        ],
        ["Small wobbles at the ankle are fine.", "Breathe normally."],
    ),
    _d(
        "sl_balance_unstable",
        "Single-leg balance on a foam pad or wobble board",
        "balance-neuromotor",
        ["S1", "S3", "S5"],
        ["proprioception", "ankle instability"],
        ["foam pad or wobble board"],
        (3, None, 30, "3 x 30 s, building to 60 s"),
        "After a sprain, only once you can stand on one leg on the floor without pain.",
        [
            "Put a foam pad or wobble board next to a counter.",
            "Stand barefoot on one foot on the pad.",
            "Hold steady for the set time.",
        ],
        ["Let the foot work; the hips stay level.", "Knee over the second toe."],
        variants=[
            _v(
                ["eyes closed"],
                name="Single-leg balance on a foam pad, eyes closed",
                steps=[
                    "Put a foam pad or wobble board right next to a counter.",
                    "Stand barefoot on one foot on the pad, a hand hovering over the counter.",
                    "Once steady, close your eyes and hold for the set time.",
                    "Open your eyes or touch the counter whenever you need to.",
                ],
                precautions=["Right next to support; older runners try it supervised first."],
            ),
        ],
    ),
    _d(
        "sl_balance_perturb",
        "Single-leg balance with perturbations",
        "balance-neuromotor",
        ["S3"],
        ["reactive stability"],
        ["ball, band or a partner"],
        (3, None, 30, "3 x 30 s"),
        "Same as the foam pad: only once firm single-leg stance is pain-free.",
        [
            "Balance on one foot next to support.",
            "Have a partner give small nudges, or toss a ball against a wall, or pull a band "
            "with your arms.",
            "Stay steady on the standing leg.",
        ],
        ["React and recover; no big lurches.", "Ankle does not roll in or out."],
    ),
    _d(
        "heel_toe_reload",
        "Heel-toe reload drill",
        "balance-neuromotor",
        ["S5"],
        ["roll-over control", "stance transitions"],
        [],
        (2, 10, None, "2 x 10 per side"),
        "None in particular.",
        [
            "Step forward landing softly on the heel.",
            "Roll smoothly through the foot onto the toes.",
            "Rock back to the heel and go again.",
        ],
        ["Smooth roll from heel to big toe.", "Stay tall."],
    ),
    _d(
        "incline_steps",
        "Slow steps on a ramp or incline",
        "balance-neuromotor",
        ["S5"],
        ["dorsiflexion on slopes", "trail control"],
        ["ramp or incline"],
        (2, 10, None, "2 x 10 up and down"),
        "Achilles pain: walking downhill adds load, so watch the response.",
        [
            "Find a gentle ramp or slope.",
            "Walk up slowly, letting each ankle bend fully with the heel down.",
            "Walk back down with short, controlled steps.",
        ],
        ["Slow and quiet feet.", "Knees track over the toes."],
        unilateral=False,
    ),
    _d(
        "df_toe_taps",
        "Ankle dorsiflexion toe taps",
        "balance-neuromotor",
        ["S5"],
        ["quick foot clearance", "shin muscle endurance"],
        [],
        (3, None, 20, "3 x 20-30 s"),
        "Shin pain above 3/10: stop.",
        [
            "Sit or stand with heels on the floor.",
            "Tap the front of your feet up and down quickly.",
            "Keep going for the set time.",
        ],
        ["Heels stay down.", "Light, quick taps."],
        unilateral=False,
    ),
    _d(
        "lateral_shuffle",
        "Lateral shuffles",
        "balance-neuromotor",
        ["S3"],
        ["side-to-side control"],
        ["space or cones"],
        (3, 10, None, "3 x 10-15 m"),
        "The fast version needs the hop gate to be passed; until then, keep it slow.",
        [
            "Stand in a small athletic stance.",
            "Shuffle sideways 10-15 metres without crossing your feet.",
            "Shuffle back the other way.",
        ],
        ["Shin stays upright, knee over the foot.", "Ankle does not collapse inward."],
        unilateral=False,
    ),
    _d(
        "cadence_drill",
        "Light cadence drills",
        "balance-neuromotor",
        ["S5"],
        ["overstriding", "braking"],
        ["metronome or watch"],
        (4, None, 60, "+5% cadence, 3-5 x 1 min within easy runs"),
        "New calf soreness lasting more than 48 hours: go back to a smaller increase.",
        [
            "Set a metronome or watch 5% above your normal easy-run step rate.",
            "During an easy run, match your steps to the beat for 1 minute.",
            "Run normally for a few minutes, then repeat.",
        ],
        ["Soft, quiet landings.", "Feet land under you, not out in front."],
        unilateral=False,
    ),
    # --- plyometric -----------------------------------------------------------------------
    _d(
        "short_hops",
        "Short hops with soft landing",
        "plyometric",
        ["S3", "S5"],
        ["elastic capacity", "landing control"],
        [],
        (2, 10, None, "2-3 x 10 on both feet, later on one"),
        "Only after your clinician has cleared the hop gate. Not with bone pain or a recent "
        "sprain.",
        [
            "Stand on both feet.",
            "Do small, springy hops just off the floor.",
            "Land softly on the balls of the feet and let the heels kiss the floor.",
        ],
        ["Quiet landings.", "Shin upright, knees over feet."],
        unilateral=False,
    ),
    # --- soft tissue ----------------------------------------------------------------------
    _d(
        "calf_roll",
        "Calf and soleus rolling",
        "soft-tissue",
        ["S5"],
        ["calf tightness before dorsiflexion work"],
        ["foam roller"],
        (1, None, 75, "60-90 s per muscle"),
        "Never over a swollen, warm or tender calf, a fresh injury or a bony spot.",
        [
            "Sit with the calf on a foam roller and hands behind you.",
            "Roll slowly from just above the ankle to below the knee.",
            "Bend the knee a little to reach the deeper, lower calf.",
        ],
        ["Slow rolling, steady breathing.", "Comfortable pressure only."],
    ),
    _d(
        "plantar_roll",
        "Controlled foot rolling",
        "soft-tissue",
        ["S3"],
        ["plantar heel pain comfort"],
        ["ball"],
        (1, None, 90, "1-2 min, 1-2 times a day"),
        "Not over open wounds or feet with reduced feeling.",
        [
            "Sit with a ball under the arch of the foot.",
            "Roll slowly from the heel to the ball of the foot.",
            "Keep going for 1-2 minutes.",
        ],
        ["Comfortable pressure.", "Slow strokes."],
    ),
    _d(
        "recovery_adjuncts",
        "Recovery extras (contrast baths, compression, cool-down soft-tissue work)",
        "soft-tissue",
        ["S5"],
        ["recovery comfort"],
        ["varies"],
        (1, None, 60, "optional"),
        "No contrast or heat with vascular disease or reduced feeling in the feet.",
        [
            "After long runs you may use compression socks or alternate warm and cool water.",
            "Finish with a few minutes of easy rolling or gentle stretching.",
        ],
        ["Comfort only; these are optional."],
        unilateral=False,
        prescribable=False,
    ),
)

DRILLS_BY_SLUG: dict[str, DrillSpec] = {d.slug: d for d in DRILLS}
