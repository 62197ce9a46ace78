"""The prescription as the patient reads it on the page, in `me/program`, on the printout and in
the reminder, for programs built by the engine from a screen (docs/clinical-rules.md §1, §10)."""

import re
from datetime import UTC, datetime

import pytest
from django.utils.html import escape

from clinic.notifications.content import message_for
from clinic.notifications.models import Channel, Kind, Notification
from programs.models import Program
from tests.programs.conftest import make_screen
from tests.programs.test_progression_service import check_in, current, log, one_drill_program

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday in every clinic time zone
CODES = re.compile(r"\b(?:[RMT]-[A-Z]{2,}(?:-[A-Z0-9]+)*|L-TENDON(?:-INS)?|G-PLYO)\b")


@pytest.fixture(autouse=True)
def monday(time_machine):
    time_machine.move_to(MONDAY)


def published(api, world, **screen_values) -> Program:
    screen = make_screen(world.home, **screen_values)
    api.force_authenticate(world.home.clinician)
    draft = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json")
    assert draft.status_code == 201, draft.content
    response = api.post(f"/api/v1/programs/{draft.json()['id']}/publish/")
    assert response.status_code == 200, response.content
    api.force_authenticate(None)
    return Program.objects.get(pk=draft.json()["id"])


def insertional(api, world) -> Program:
    return published(
        api,
        world,
        injury_history=[
            {"condition": "achilles_insertional", "side": "right", "status": "current"}
        ],
    )


def plantar(api, world) -> Program:
    return published(
        api,
        world,
        injury_history=[{"condition": "plantar_heel_pain", "side": "left", "status": "current"}],
    )


def me_program(api, world) -> dict:
    api.force_authenticate(world.home.patient_a.user)
    response = api.get("/api/v1/me/program/")
    assert response.status_code == 200, response.content
    return {item["drill"]: item for item in response.json()["items"]}


def test_me_program_gives_the_floor_level_variant_its_steps_and_precautions(api, world):
    insertional(api, world)
    item = me_program(api, world)["eccentric_step_heel_drop"]
    assert item["drill_name"] == "Eccentric heel lowering on the floor"
    assert item["variant"].startswith("on the flat floor")
    assert item["times_per_day"] == 1 and item["media"] == []
    assert any("Never on a step" in text for text in item["precautions"])
    steps = " ".join(item["instructions"])
    assert "flat floor" in steps and "edge of a step" not in steps
    assert item["reason"].startswith("Your right Achilles tendon is sore where it meets the heel")
    assert not CODES.search(item["reason"]) and "_" not in item["reason"]


def test_me_program_says_three_times_a_day(api, world):
    plantar(api, world)
    items = me_program(api, world)
    stretch = items["pf_stretch"]
    assert stretch["times_per_day"] == 3
    assert "3 times a day" in " ".join(stretch["instructions"])
    assert all(i["times_per_day"] == 1 for slug, i in items.items() if slug != "pf_stretch")


def test_the_patient_page_shows_variant_precautions_and_a_plain_why(client, api, world):
    program = insertional(api, world)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "Eccentric heel lowering on the floor" in html
    assert "Eccentric heel raise off a step" not in html
    assert escape("on the flat floor: up on two, down on one, heel stops at the floor") in html
    assert "Never on a step" in html and "Take care:" in html
    assert escape("Your right Achilles tendon is sore where it meets the heel") in html
    assert "Stand on the edge of a step" not in html
    for item in program.items.all():
        assert escape(item.reason) not in html  # the clinician's evidence stays out
    assert not CODES.search(html), CODES.search(html)


def test_the_patient_page_says_three_times_a_day(client, api, world):
    plantar(api, world)
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "<strong>3 times a day</strong>" in html


def test_the_staff_api_shows_the_variant_precautions_and_both_reasons(api, world):
    program = insertional(api, world)
    api.force_authenticate(world.home.clinician)
    body = api.get(f"/api/v1/programs/{program.pk}/").json()
    item = next(i for i in body["items"] if i["drill"] == "eccentric_step_heel_drop")
    assert item["variant"].startswith("floor level") and item["times_per_day"] == 1
    assert any("Never on a step" in text for text in item["precautions"])
    assert item["media"] == [] and item["rule"] == "M-AT-INS"
    assert item["patient_reason"].startswith("Your right Achilles tendon")
    flags = {f["code"]: f for f in body["flags"]}
    assert "screen_incomplete" in flags  # nothing was measured on this screen
    assert "mid-portion" not in flags["R-PF-3"]["message"]


def test_the_printout_shows_the_variant_steps_and_times_a_day(client, api, world):
    program = plantar(api, world)
    client.force_login(world.home.clinician)
    html = client.get(f"/programs/{program.pk}/print/").content.decode()
    assert "3 times a day" in html and "Before you get out of bed" in html
    insertional_program = insertional(api, world)
    html = client.get(f"/programs/{insertional_program.pk}/print/").content.decode()
    assert "Eccentric heel lowering on the floor" in html and "Never on a step" in html


def test_the_reminder_email_names_the_variant_and_times_a_day(api, world):
    program = plantar(api, world)
    rows = Notification.objects.filter(
        kind=Kind.PROGRAM_REMINDER, channel=Channel.EMAIL, subject_id=program.pk
    )
    texts = [message_for(row).text for row in rows]
    assert texts
    tuesday = next(row for row in rows if row.payload["day"] == "2026-12-08")
    stretch = next(d for d in tuesday.payload["drills"] if d["times_per_day"] == 3)
    assert stretch["name"] == "Gentle plantar fascia stretch"
    text = message_for(tuesday).text
    assert (
        "- Gentle plantar fascia stretch (3 times a day, the first before your first steps in "
        "the morning)\n" in text
    )
    assert "Take care: Sharp heel pain: stop." in text
    assert not CODES.search(text)


def test_the_clinician_may_set_times_a_day_within_range(api, world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    api.force_authenticate(world.home.clinician)
    draft = api.post("/api/v1/programs/", {"screen": screen.pk}, format="json").json()
    item = draft["items"][0]
    url = f"/api/v1/programs/{draft['id']}/"
    too_many = api.patch(url, {"items": [{"id": item["id"], "times_per_day": 7}]}, format="json")
    assert too_many.status_code == 400 and "times_per_day" in str(too_many.json())
    body = api.patch(url, {"items": [{"id": item["id"], "times_per_day": 2}]}, format="json")
    assert body.status_code == 200, body.content
    changed = next(i for i in body.json()["items"] if i["id"] == item["id"])
    assert changed["times_per_day"] == 2


def test_after_a_progression_the_patient_keeps_the_why(api, world):
    home = world.home
    program = one_drill_program(home)
    why = "Your left calf tires sooner than normal, so we will make it stronger step by step."
    program.items.update(rule="R-PF-1", reason="heel raises 12 < 20 (norm)", patient_reason=why)
    api.force_login(home.patient_a.user)
    log(api, home, 6, pain=1)
    check_in(api, home, 5, morning=1, soreness=12)
    log(api, home, 3, pain=1)
    body = check_in(api, home, 2, morning=1, soreness=12)
    assert body["changes"][0]["reason"].startswith("Single-leg heel raise: 3 × 12 now")
    item = current(home).items.get()
    assert item.patient_reason == why  # the progress message does not replace it
    assert api.get("/api/v1/me/program/").json()["items"][0]["reason"] == why


def test_the_library_rows_carry_the_catalogue_variants(api, world):
    api.force_authenticate(world.home.clinician)
    body = api.get("/api/v1/drills/", {"limit": 100}).json()
    drop = next(d for d in body["results"] if d["slug"] == "eccentric_step_heel_drop")
    floor = next(v for v in drop["variants"] if v["match"] == ["floor level"])
    assert floor["name"] == "Eccentric heel lowering on the floor"
    assert any("heel touches the floor" in step for step in floor["instructions"])
