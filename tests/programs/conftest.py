"""Fixtures for the programs tests: screens saved straight to the table, and a built draft."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import Screen


def make_screen(side, patient=None, *, performed_on=date(2026, 11, 20), **values) -> Screen:
    """A screen of `side`'s clinic; values are model columns (knee_to_wall_cm_left, ...)."""
    patient = patient or side.patient_a
    for key, value in values.items():
        if isinstance(value, float):
            values[key] = Decimal(str(value))
    return Screen.objects.create(
        clinic=side.clinic, patient=patient, performed_on=performed_on, **values
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded drill media (and the demo's diagrams) of each test go to a folder of its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def screen_factory():
    return make_screen


@pytest.fixture
def example_1_screen(world):
    """docs/clinical-rules.md §11 example 1: knee-to-wall 7.5 cm left, 11.0 cm right, no history."""
    return make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)


@pytest.fixture
def draft(api, world, example_1_screen):
    api.force_authenticate(world.home.clinician)
    response = api.post("/api/v1/programs/", {"screen": example_1_screen.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()
