"""The screen page charts the latest screens only, so a long history does not slow it down."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments import selectors
from assessments.models import Screen
from assessments.views import CHART_SCREENS

pytestmark = pytest.mark.django_db


def _screens(world, count: int) -> list[Screen]:
    patient = world.home.patient_a
    first = date(2020, 1, 1)
    return [
        Screen.objects.create(
            clinic=patient.clinic,
            patient=patient,
            performed_on=first + timedelta(days=7 * n),
            knee_to_wall_cm_left=5 + n % 5,
        )
        for n in range(count)
    ]


def test_the_limit_keeps_the_latest_screens_oldest_first(world):
    screens = _screens(world, 6)
    user = world.home.clinician
    patient = world.home.patient_a
    assert selectors.patient_screens(user=user, patient=patient) == screens
    assert selectors.patient_screens(user=user, patient=patient, limit=4) == screens[2:]


def test_the_screen_page_charts_at_most_the_latest_screens(client, world):
    screens = _screens(world, CHART_SCREENS + 5)
    client.force_login(world.home.clinician)
    url = reverse("screen_detail", args=[screens[-1].pk])
    response = client.get(url)
    assert response.status_code == 200
    history = response.context["history"]
    assert history == screens[-CHART_SCREENS:]


def test_every_screen_is_compared_with_the_one_just_before_it(client, world):
    """The previous screen comes from the chart's screens when it is among them, from the
    database when the screen is the chart's oldest or older; either way the same one."""
    screens = _screens(world, CHART_SCREENS + 3)
    patient = world.home.patient_a
    same_day = Screen.objects.create(
        clinic=patient.clinic, patient=patient, performed_on=screens[-2].performed_on
    )
    client.force_login(world.home.clinician)
    newest_first = list(Screen.objects.filter(patient=patient).order_by("-performed_on", "-pk"))
    for index in (0, 1, 2, CHART_SCREENS - 2, CHART_SCREENS - 1, CHART_SCREENS, -2, -1):
        screen = newest_first[index]
        response = client.get(reverse("screen_detail", args=[screen.pk]))
        assert response.status_code == 200
        assert response.context["previous"] == selectors.previous_screen(screen)
    assert newest_first[-1].pk == screens[0].pk
    # Two screens of one day: the one entered later comes first.
    assert newest_first[1:3] == [same_day, screens[-2]]
