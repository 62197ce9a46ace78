"""PURE: the drill library shipped with Groundwork (docs/clinical-rules.md §10) as plain data."""

from .catalogue import CATEGORY_ORDER, DRILLS, DRILLS_BY_SLUG, DrillSpec

__all__ = ["CATEGORY_ORDER", "DRILLS", "DRILLS_BY_SLUG", "DrillSpec"]
