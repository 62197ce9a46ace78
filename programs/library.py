"""Copies the shipped drill catalogue (`programs/drills/catalogue.py`, the one source of truth
for library drills) into the Drill table, after every `migrate`."""

from dataclasses import asdict

from django.apps import apps as global_apps

from .drills import DRILLS, DrillSpec, translations_of


def library_fields(spec: DrillSpec) -> dict:
    return {
        "name": spec.name,
        "category": spec.category,
        "target_deficits": list(spec.target_deficits),
        "equipment": list(spec.equipment),
        "seeds": list(spec.seeds),
        "default_sets": spec.sets,
        "default_reps": spec.reps,
        "default_hold_s": spec.hold_s,
        "default_dose": spec.dose,
        "precautions": spec.precautions,
        "instructions": list(spec.instructions),
        "cues": list(spec.cues),
        "variants": [asdict(v) for v in spec.variants],
        "translations": translations_of(spec.slug),
        "unilateral": spec.unilateral,
        "prescribable": spec.prescribable,
        "is_active": True,
    }


def sync_library(drill_model) -> int:
    """Create or refresh every library drill; `drill_model` may be a migration's historical model.

    Returns how many drills the library holds. Safe to run again.
    """
    for spec in DRILLS:
        drill_model.objects.update_or_create(
            clinic=None, slug=spec.slug, defaults=library_fields(spec)
        )
    return len(DRILLS)


def sync_after_migrate(sender, apps=global_apps, **kwargs) -> None:
    """post_migrate: the library rows match the catalogue of the code that just migrated.

    Data migrations must not import live code (a later change to it would break a fresh
    `migrate`); this runs after every migration, with the current models. `flush` sends the
    signal too, without `apps`: an emptied database gets its library back.
    """
    sync_library(apps.get_model("programs", "Drill"))
