"""The pure progression rules under their earlier import path (`programs.progress.evaluate`),
kept for integrators; the module is `programs.progression_rules`."""

from .progression_rules import *  # noqa: F403
from .progression_rules import evaluate

__all__ = ["evaluate"]
