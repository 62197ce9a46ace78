"""Clinician pages: entry form (values kept on error), detail, patient list, thresholds, access."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.demo import seed_screens
from assessments.models import ClinicThresholds, Screen
from clinic.site.demo import seed_demo
from tests.assessments.conftest import make_screen

pytestmark = pytest.mark.django_db


def _views(world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11)
    patient = world.home.patient_a.pk
    return screen, [
        reverse("screen_create", args=[patient]),
        reverse("screen_detail", args=[screen.pk]),
        reverse("screen_edit", args=[screen.pk]),
        reverse("patient_screens", args=[patient]),
    ]


def test_a_clinician_opens_every_screen_page(client, world):
    _, urls = _views(world)
    client.force_login(world.home.clinician)
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["frontdesk", "patient"])
def test_front_desk_and_patients_cannot_open_screen_pages(client, world, who):
    _, urls = _views(world)
    user = world.home.frontdesk if who == "frontdesk" else world.home.patient_a.user
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(urls[0], {"performed_on": "2026-11-01"}).status_code == 403
    assert Screen.objects.count() == 1


def test_another_clinics_screen_pages_are_404(client, world):
    _, urls = _views(world)
    client.force_login(world.other.clinician)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_anonymous_users_go_to_the_login_page(client, world):
    _, urls = _views(world)
    for url in urls:
        assert client.get(url).status_code == 302


def test_front_desk_sees_the_patient_page_without_screens(client, world):
    make_screen(world.home)
    client.force_login(world.home.frontdesk)
    page = client.get(reverse("patient_detail", args=[world.home.patient_a.pk])).content.decode()
    assert 'id="patient-screens"' not in page
    client.force_login(world.home.clinician)
    page = client.get(reverse("patient_detail", args=[world.home.patient_a.pk])).content.decode()
    assert 'id="patient-screens"' in page
    assert reverse("screen_create", args=[world.home.patient_a.pk]) in page


def test_the_form_saves_a_screen_with_audit_fields(client, world):
    client.force_login(world.home.clinician)
    response = client.post(
        reverse("screen_create", args=[world.home.patient_a.pk]),
        {
            "performed_on": "2026-11-01",
            "knee_to_wall_cm_left": "7.5",
            "knee_to_wall_cm_right": "11",
            "short_foot_left": "fail",
            "overstride": "true",
            "cadence_spm": "156",
            "signs": ["toe_clawing"],
            "injury_0_condition": "achilles_midportion",
            "injury_0_side": "left",
            "injury_0_status": "current",
            "lefs": "60",
        },
    )
    screen = Screen.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screen_detail", args=[screen.pk])
    assert float(screen.knee_to_wall_cm_left) == 7.5
    assert screen.overstride is True
    assert screen.injury_history == [
        {"condition": "achilles_midportion", "side": "left", "status": "current"}
    ]
    assert str(screen.lefs_on) == "2026-11-01"  # dated on the screen day
    assert screen.created_by == world.home.clinician
    page = client.get(response["Location"]).content.decode()
    assert "Restricted ankle dorsiflexion" in page
    assert "Marked" in page  # severity in words, not colour alone
    assert "Entered by" in page and world.home.clinician.full_name in page


def test_a_validation_error_keeps_every_typed_value_and_saves_nothing(client, world):
    client.force_login(world.home.clinician)
    typed = {
        "performed_on": "2026-11-01",
        "pain_nprs": "4",
        "knee_to_wall_cm_left": "abc",
        "knee_to_wall_cm_right": "30",
        "heel_raise_reps_left": "18",
        "heel_raise_reps_right": "26",
        "balance_eyes_open_s_left": "22.5",
        "foot_posture_index_left": "7",
        "toe_yoga_right": "pass",
        "cadence_spm": "156",
        "foot_strike_left": "mid",
        "heel_lift": "early",
        "arch_collapse_left": "true",
        "signs": ["toe_clawing", "weak_push_off"],
        "injury_0_condition": "plantar_heel_pain",
        "injury_0_side": "right",
        "injury_0_status": "past",
        "visa_a": "61",
        "notes": "felt stiff this morning",
    }
    response = client.post(reverse("screen_create", args=[world.home.patient_a.pk]), typed)
    assert response.status_code == 200  # the form again, with its errors
    assert Screen.objects.count() == 0
    form = response.context["form"]
    for name, value in typed.items():
        assert form[name].value() == value, name
    page = response.content.decode()
    assert 'value="abc"' in page and 'value="30"' in page and 'value="22.5"' in page
    assert "Knee-to-wall (weight-bearing lunge), left" in page
    assert "Knee-to-wall (weight-bearing lunge), right: 30 is outside" in page
    assert "felt stiff this morning" in page


def test_editing_a_screen_records_who_changed_it(client, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5)
    client.force_login(world.home.admin)
    form_page = client.get(reverse("screen_edit", args=[screen.pk]))
    data = {k: v for k, v in form_page.context["form"].initial.items() if v is not None}
    data["knee_to_wall_cm_left"] = "9.5"
    response = client.post(reverse("screen_edit", args=[screen.pk]), data)
    assert response.status_code == 302
    screen.refresh_from_db()
    assert float(screen.knee_to_wall_cm_left) == 9.5
    assert (screen.created_by, screen.updated_by) == (world.home.clinician, world.home.admin)
    page = client.get(reverse("screen_detail", args=[screen.pk])).content.decode()
    assert "Change log (1)" in page
    assert "Knee-to-wall (weight-bearing lunge), left 7.5 → 9.5" in page


def test_the_detail_page_shows_real_change_and_the_chart_data(client, world):
    make_screen(
        world.home, performed_on="2026-09-01", knee_to_wall_cm_left=6, knee_to_wall_cm_right=11
    )
    later = make_screen(
        world.home, performed_on="2026-10-01", knee_to_wall_cm_left=8.5, knee_to_wall_cm_right=11.5
    )
    client.force_login(world.home.clinician)
    page = client.get(reverse("screen_detail", args=[later.pk])).content.decode()
    assert "real change (improved)" in page
    assert "within error" in page  # the right side moved only 0.5 cm
    assert "data-screen-charts" in page
    assert "js/screen_chart.js" in page
    assert "<script>" not in page  # no inline scripts


def test_the_screen_page_query_count_does_not_grow_with_history(client, world):
    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(world.home.clinician)
    first = make_screen(world.home, performed_on="2026-01-01", knee_to_wall_cm_left=8)
    second = make_screen(world.home, performed_on="2026-02-01", knee_to_wall_cm_left=9)
    few = count(reverse("screen_detail", args=[second.pk]))
    few_list = count(reverse("patient_detail", args=[world.home.patient_a.pk]))
    for month in range(3, 12):
        last = make_screen(world.home, performed_on=f"2026-{month:02d}-01", knee_to_wall_cm_left=8)
    assert count(reverse("screen_detail", args=[last.pk])) == few
    assert count(reverse("screen_detail", args=[first.pk])) <= few
    assert count(reverse("patient_detail", args=[world.home.patient_a.pk])) == few_list


def test_a_clinic_admin_overrides_a_threshold_for_their_clinic_only(client, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=11)
    client.force_login(world.home.admin)
    assert client.get(reverse("clinic_thresholds")).status_code == 200
    response = client.post(reverse("clinic_thresholds"), {"wblt.restricted_cm": "12"})
    assert response.status_code == 302
    assert ClinicThresholds.objects.get(clinic=world.home.clinic).overrides == {
        "wblt.restricted_cm": 12.0
    }
    page = client.get(reverse("screen_detail", args=[screen.pk])).content.decode()
    assert "knee-to-wall 11 cm &lt; 12 cm" in page
    assert not ClinicThresholds.objects.filter(clinic=world.other.clinic).exists()


@pytest.mark.parametrize("who", ["clinician", "frontdesk"])
def test_only_a_clinic_admin_may_change_thresholds(client, world, who):
    client.force_login(getattr(world.home, who))
    assert client.get(reverse("clinic_thresholds")).status_code == 403
    assert client.post(reverse("clinic_thresholds"), {"wblt.restricted_cm": "1"}).status_code == 403


def test_demo_screens_are_seeded_once(db):
    clinics = seed_demo()
    seed_screens(clinics)
    count = Screen.objects.count()
    seed_screens(clinics)
    call_command("seed_demo", verbosity=0)
    assert Screen.objects.count() == count
    patient = clinics["demo"].demo_patient
    latest, earlier = patient.screens.order_by("-performed_on")
    assert float(latest.knee_to_wall_cm_left) == 7.5
    assert (latest.performed_on - earlier.performed_on).days >= 14


def test_whole_number_thresholds_stay_whole_and_bad_values_are_refused(client, world):
    client.force_login(world.home.admin)
    response = client.post(reverse("clinic_thresholds"), {"slhr.deficit_margin": "5"})
    assert response.status_code == 302
    stored = ClinicThresholds.objects.get(clinic=world.home.clinic).overrides
    assert stored == {"slhr.deficit_margin": 5}
    assert isinstance(stored["slhr.deficit_margin"], int)
    response = client.post(reverse("clinic_thresholds"), {"slhr.deficit_margin": "5.5"})
    assert response.status_code == 200
    assert "whole number" in response.content.decode()
    response = client.post(reverse("clinic_thresholds"), {"wblt.restricted_cm": "ten"})
    assert response.status_code == 200
    assert ClinicThresholds.objects.get(clinic=world.home.clinic).overrides == stored


def test_the_screen_page_offers_to_build_a_program(client, world):
    from django.urls import reverse

    from tests.assessments.conftest import make_screen

    screen = make_screen(world.home, knee_to_wall_cm_left=7.5)
    client.force_login(world.home.clinician)
    page = client.get(reverse("screen_detail", args=[screen.pk])).content.decode()
    assert f'action="{reverse("program_build", args=[screen.pk])}"' in page
    response = client.post(reverse("program_build", args=[screen.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/programs/")


def test_the_age_shown_is_the_days_in_the_clinic(client, world, time_machine):
    import datetime as dt

    # 23:55 in New York, the clinic's zone, is already the next day, the birthday, in UTC.
    time_machine.move_to(dt.datetime(2026, 12, 8, 4, 55, tzinfo=dt.UTC))
    patient = world.home.patient_a
    patient.date_of_birth = dt.date(1996, 12, 8)
    patient.save()
    screen = make_screen(world.home)
    client.force_login(world.home.clinician)
    url = reverse("screen_detail", args=[screen.pk])
    assert "29 years" in client.get(url).content.decode()
    time_machine.move_to(dt.datetime(2026, 12, 8, 5, 5, tzinfo=dt.UTC))  # past midnight there
    assert "30 years" in client.get(url).content.decode()
