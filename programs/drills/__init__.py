"""PURE: the drill library shipped with Groundwork (docs/clinical-rules.md §10) as plain data."""

from .catalogue import (
    CATEGORY_ORDER,
    DRILLS,
    DRILLS_BY_SLUG,
    DrillSpec,
    VariantSpec,
    variant_matches,
)

__all__ = [
    "CATEGORY_ORDER",
    "DRILLS",
    "DRILLS_BY_SLUG",
    "DrillSpec",
    "VariantSpec",
    "variant_matches",
]
