"""PURE: the drill library shipped with Groundwork (clinical.md 8.8) as plain data."""

from .catalogue import CATEGORY_ORDER, DRILLS, DRILLS_BY_SLUG, DrillSpec

__all__ = ["CATEGORY_ORDER", "DRILLS", "DRILLS_BY_SLUG", "DrillSpec"]
