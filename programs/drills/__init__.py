"""PURE: the drill library shipped with Groundwork (docs/clinical-rules.md §10) as plain data."""

from .catalogue import (
    CATEGORY_ORDER,
    DRILLS,
    DRILLS_BY_SLUG,
    DrillSpec,
    VariantSpec,
    variant_matches,
)
from .catalogue_es import ES


def translations_of(slug: str) -> dict:
    """A library drill's patient text in the other languages ({"es": {...}})."""
    return {"es": ES[slug]} if slug in ES else {}


__all__ = [
    "CATEGORY_ORDER",
    "DRILLS",
    "DRILLS_BY_SLUG",
    "DrillSpec",
    "VariantSpec",
    "translations_of",
    "variant_matches",
]
