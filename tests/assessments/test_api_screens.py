"""The screens API of interface.md: create, read, list, update; bad input; who may see what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Screen
from tests.assessments.conftest import make_screen

pytestmark = pytest.mark.django_db


def post(api, user, body):
    api.force_authenticate(user)
    return api.post("/api/v1/screens/", body, format="json")


def test_a_clinician_creates_the_interface_example_and_reads_it_back(api, world, example_body):
    response = post(api, world.home.clinician, {**example_body, "patient": world.home.patient_a.pk})
    assert response.status_code == 201, response.json()
    screen_id = response.json()["id"]
    body = api.get(f"/api/v1/screens/{screen_id}/").json()
    assert body["patient"] == world.home.patient_a.pk
    assert body["performed_on"] == "2026-11-20"
    assert body["pain_nprs"] == 3
    assert body["signs"] == ["heel_lift_in_squat", "toe_clawing"]
    assert body["injury_history"] == example_body["injury_history"]
    for key, sides in example_body["measurements"].items():
        assert body["measurements"][key] == sides, key
    assert body["gait"]["cadence_spm"] == 156
    assert body["gait"]["foot_strike"] == {"left": "heel", "right": "heel"}
    assert body["gait"]["arch_collapse"] == {"left": True, "right": False}
    assert body["gait"]["heel_lift"] == "early"
    assert {
        "code": "restricted_dorsiflexion",
        "side": "left",
        "severity": "marked",
        "evidence": "knee-to-wall 7.5 cm < 10 cm",
    }.items() <= body["findings"][0].items()
    for finding in body["findings"]:
        assert {"code", "side", "severity", "evidence"} <= set(finding)
    assert body["change"] is None
    assert body["created_by"]["id"] == world.home.clinician.pk
    assert body["created_at"] and body["updated_at"]


def test_the_detail_reports_change_since_the_previous_screen(api, world, example_body):
    make_screen(
        world.home, performed_on="2026-10-01", knee_to_wall_cm_left=5.0, knee_to_wall_cm_right=10.0
    )
    created = post(api, world.home.clinician, {**example_body, "patient": world.home.patient_a.pk})
    change = created.json()["change"]
    assert change["previous_performed_on"] == "2026-10-01"
    left = change["measurements"]["knee_to_wall_cm"]["left"]
    right = change["measurements"]["knee_to_wall_cm"]["right"]
    assert (left["delta"], left["real_change"], left["direction"]) == (2.5, True, "improved")
    assert (right["delta"], right["real_change"]) == (1.0, False)


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        (
            {"measurements": {"knee_to_wall_cm": {"left": 26}}},
            ("measurements", "knee_to_wall_cm", "left"),
        ),
        (
            {"measurements": {"knee_to_wall_cm": {"right": -1}}},
            ("measurements", "knee_to_wall_cm", "right"),
        ),
        (
            {"measurements": {"heel_raise_reps": {"right": "18 reps"}}},
            ("measurements", "heel_raise_reps", "right"),
        ),
        (
            {"measurements": {"heel_raise_reps": {"left": 18.5}}},
            ("measurements", "heel_raise_reps", "left"),
        ),
        (
            {"measurements": {"foot_posture_index": {"left": 13}}},
            ("measurements", "foot_posture_index", "left"),
        ),
        (
            {"measurements": {"short_foot": {"right": "maybe"}}},
            ("measurements", "short_foot", "right"),
        ),
        (
            {"measurements": {"knee_to_wall_cm": {"middle": 9}}},
            ("measurements", "knee_to_wall_cm", "middle"),
        ),
        ({"gait": {"foot_strike": {"left": "toe"}}}, ("gait", "foot_strike", "left")),
        ({"gait": {"heel_lift": "sometimes"}}, ("gait", "heel_lift")),
        ({"gait": {"cadence_spm": 300}}, ("gait", "cadence_spm")),
        ({"signs": ["limping"]}, ("signs",)),
        (
            {"injury_history": [{"condition": "broken_toe", "side": "left", "status": "current"}]},
            ("injury_history",),
        ),
        ({"pain_nprs": 11}, ("pain_nprs",)),
        ({"performed_on": "2999-01-01"}, ("performed_on",)),
    ],
)
def test_bad_input_is_a_400_naming_field_and_side_and_saves_nothing(
    api, world, example_body, patch, path
):
    body = {**example_body, "patient": world.home.patient_a.pk}
    for key, value in patch.items():
        if isinstance(value, dict):
            for inner, sides in value.items():
                body[key][inner] = (
                    {**body[key].get(inner, {}), **sides} if isinstance(sides, dict) else sides
                )
        else:
            body[key] = value
    response = post(api, world.home.clinician, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    node = response.json()
    for step in path:
        assert step in node, (step, node)
        node = node[step]
    assert Screen.objects.count() == 0


def test_a_patient_of_another_clinic_is_a_400(api, world, example_body):
    response = post(
        api, world.home.clinician, {**example_body, "patient": world.other.patient_a.pk}
    )
    assert response.status_code == 400
    assert "patient" in response.json()
    assert Screen.objects.count() == 0


def test_patch_changes_only_what_was_sent_and_records_who(api, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11)
    api.force_authenticate(world.home.admin)
    response = api.patch(
        f"/api/v1/screens/{screen.pk}/",
        {"measurements": {"knee_to_wall_cm": {"left": 9.0}}, "notes": "re-measured"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["measurements"]["knee_to_wall_cm"] == {"left": 9.0, "right": 11.0}
    assert body["notes"] == "re-measured"
    assert body["updated_by"]["id"] == world.home.admin.pk
    assert body["created_by"]["id"] == world.home.clinician.pk


def test_a_bad_patch_changes_nothing(api, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, heel_raise_reps_left=18)
    api.force_authenticate(world.home.clinician)
    response = api.patch(
        f"/api/v1/screens/{screen.pk}/",
        {"measurements": {"knee_to_wall_cm": {"left": 9.0}, "heel_raise_reps": {"left": 500}}},
        format="json",
    )
    assert response.status_code == 400
    screen.refresh_from_db()
    assert (float(screen.knee_to_wall_cm_left), screen.heel_raise_reps_left) == (7.5, 18)


def test_the_list_filters_by_patient_and_date(api, world):
    make_screen(world.home, performed_on="2026-10-01")
    make_screen(world.home, performed_on="2026-11-01")
    make_screen(world.home, patient=world.home.patient_b, performed_on="2026-11-01")
    make_screen(world.other, performed_on="2026-11-01")
    api.force_authenticate(world.home.clinician)
    rows = api.get("/api/v1/screens/").json()["results"]
    assert len(rows) == 3
    rows = api.get(f"/api/v1/screens/?patient={world.home.patient_a.pk}").json()["results"]
    assert [r["performed_on"] for r in rows] == ["2026-11-01", "2026-10-01"]
    rows = api.get("/api/v1/screens/?date=2026-11-01").json()["results"]
    assert {r["patient"] for r in rows} == {world.home.patient_a.pk, world.home.patient_b.pk}
    rows = api.get("/api/v1/screens/?date_from=2026-10-15").json()["results"]
    assert len(rows) == 2
    assert api.get("/api/v1/screens/?date=yesterday").status_code == 400


# ---- access ---------------------------------------------------------------------------------


def test_front_desk_cannot_read_or_write_screens(api, world, example_body):
    screen = make_screen(world.home)
    api.force_authenticate(world.home.frontdesk)
    assert api.get("/api/v1/screens/").status_code == 403
    assert api.get(f"/api/v1/screens/{screen.pk}/").status_code == 403
    assert (
        api.patch(f"/api/v1/screens/{screen.pk}/", {"notes": "x"}, format="json").status_code == 403
    )
    assert (
        post(
            api, world.home.frontdesk, {**example_body, "patient": world.home.patient_a.pk}
        ).status_code
        == 403
    )


def test_a_patient_reads_only_their_own_screens_and_cannot_write(api, world, example_body):
    own = make_screen(world.home, patient=world.home.patient_a)
    other = make_screen(world.home, patient=world.home.patient_b)
    api.force_authenticate(world.home.patient_a.user)
    assert api.get(f"/api/v1/screens/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/screens/{other.pk}/").status_code == 404
    assert [r["id"] for r in api.get("/api/v1/screens/").json()["results"]] == [own.pk]
    assert api.patch(f"/api/v1/screens/{own.pk}/", {"notes": "x"}, format="json").status_code == 403
    assert (
        post(
            api, world.home.patient_a.user, {**example_body, "patient": world.home.patient_a.pk}
        ).status_code
        == 403
    )


def test_another_clinics_screen_is_a_404(api, world):
    screen = make_screen(world.other)
    api.force_authenticate(world.home.clinician)
    assert api.get(f"/api/v1/screens/{screen.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/screens/{screen.pk}/", {"notes": "x"}, format="json").status_code == 404
    )
    assert api.get(f"/api/v1/screens/?patient={world.other.patient_a.pk}").json()["results"] == []


def test_anonymous_requests_are_refused_in_json(api, world):
    response = api.get("/api/v1/screens/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/json"


# ---- query count ----------------------------------------------------------------------------


def _count(api, url):
    api.get(url)  # the user's membership is then cached, as within one real request
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_detail_and_list_query_counts_do_not_grow_with_history(
    api, world, django_assert_num_queries
):
    first = make_screen(world.home, performed_on="2026-01-01", knee_to_wall_cm_left=8)
    api.force_authenticate(world.home.clinician)
    detail_url = f"/api/v1/screens/{first.pk}/"
    list_url = f"/api/v1/screens/?patient={world.home.patient_a.pk}"
    few_detail, few_list = _count(api, detail_url), _count(api, list_url)
    for month in range(2, 10):
        last = make_screen(
            world.home, performed_on=f"2026-{month:02d}-01", knee_to_wall_cm_left=8 + month / 10
        )
    # membership, screen, clinic thresholds, previous screen, the access-log row
    assert few_detail <= 5
    with django_assert_num_queries(few_detail):
        api.get(f"/api/v1/screens/{last.pk}/")
    with django_assert_num_queries(few_list):
        api.get(list_url)


def test_a_patch_may_repeat_the_patient_but_not_move_the_screen(api, world):
    screen = make_screen(world.home, short_foot_left="fail")
    api.force_authenticate(world.home.clinician)
    url = f"/api/v1/screens/{screen.pk}/"
    same = {"patient": world.home.patient_a.pk, "measurements": {"short_foot": {"left": None}}}
    response = api.patch(url, same, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["measurements"]["short_foot"] == {"left": None, "right": None}
    response = api.patch(url, {"patient": world.home.patient_b.pk}, format="json")
    assert response.status_code == 400
    assert "patient" in response.json()


def test_every_edit_is_logged_with_who_when_and_what(api, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, signs=["toe_clawing"])
    api.force_authenticate(world.home.admin)
    url = f"/api/v1/screens/{screen.pk}/"
    api.patch(url, {"measurements": {"knee_to_wall_cm": {"left": 9}}}, format="json")
    api.patch(url, {"measurements": {"knee_to_wall_cm": {"left": 9.0}}}, format="json")  # no-op
    history = api.get(url).json()["history"]
    assert len(history) == 1
    assert history[0]["changed_by"]["id"] == world.home.admin.pk
    assert history[0]["fields"] == {"knee_to_wall_cm_left": {"before": "7.5", "after": "9"}}


@pytest.mark.parametrize(
    "measurements",
    [{"knee_to_wall_cm": 7.5}, {"knee_to_wall_cm": {"left": [7.5]}}, {"knee_to_wall_cm": "7.5 cm"}],
)
def test_a_value_of_the_wrong_shape_is_a_400_naming_the_field(api, world, measurements):
    body = {"patient": world.home.patient_a.pk, "measurements": measurements}
    response = post(api, world.home.clinician, body)
    assert response.status_code == 400
    assert "knee_to_wall_cm" in response.json()["measurements"]
    assert Screen.objects.count() == 0


def test_a_non_numeric_id_is_a_json_404(api, world):
    api.force_authenticate(world.home.clinician)
    response = api.get("/api/v1/screens/abc/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
