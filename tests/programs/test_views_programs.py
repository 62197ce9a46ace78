"""The clinician pages: build from a screen, review, edit, publish, print."""

import re

import pytest

from programs.models import Program, ProgramStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, world, example_1_screen):
    client.force_login(world.home.clinician)
    response = client.post(f"/screens/{example_1_screen.pk}/program/")
    assert response.status_code == 302
    program = Program.objects.get(screen=example_1_screen)
    assert response.url == f"/programs/{program.pk}/"
    return program


def no_inline_scripts(html: str) -> bool:
    return all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_the_draft_shows_each_drill_with_its_reason_and_finding(client, page):
    html = client.get(f"/programs/{page.pk}/").content.decode()
    assert "Closed-chain dorsiflexion" in html
    assert "restricted_dorsiflexion" in html and "R-DF-1" in html
    assert "Publish to the patient" in html
    assert no_inline_scripts(html) and "js/program_edit.js" in html


def test_remove_redose_move_add_note_and_publish(client, page):
    first, second, third = page.items.order_by("order")[:3]
    base = f"/programs/{page.pk}"
    client.post(f"{base}/items/{second.pk}/remove/")
    assert not page.items.filter(pk=second.pk).exists()
    dose = {
        f"i{first.pk}-{k}": v
        for k, v in {"side": "left", "sets": 3, "reps": 12, "hold_s": 2, "days_per_week": 7}.items()
    }
    client.post(f"{base}/items/{first.pk}/dose/", dose)
    first.refresh_from_db()
    assert (first.sets, first.reps) == (3, 12)
    bad = {**dose, f"i{first.pk}-sets": -2}
    response = client.post(f"{base}/items/{first.pk}/dose/", bad, follow=True)
    first.refresh_from_db()
    assert first.sets == 3 and "sets" in response.content.decode()
    client.post(f"{base}/items/{third.pk}/move/", {"direction": "up"})
    assert list(page.items.order_by("order").values_list("pk", flat=True))[:2] == [
        third.pk,
        first.pk,
    ]
    found = client.get(f"{base}/", {"q": "toe yoga"}).content.decode()
    assert "Toe yoga" in found
    client.post(f"{base}/items/add/", {"drill": "toe_yoga", "side": "both"})
    assert page.items.filter(drill__slug="toe_yoga").exists()
    client.post(f"{base}/note/", {"notes": "Go gently."})
    client.post(f"{base}/publish/")
    page.refresh_from_db()
    assert page.status == ProgramStatus.PUBLISHED and page.notes == "Go gently."


def test_the_search_answers_htmx_with_a_fragment(client, page):
    response = client.get(f"/programs/{page.pk}/", {"q": "calf"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="library-results"' in html and "<html" not in html


def test_the_printable_view_has_the_steps_for_home(client, page):
    html = client.get(f"/programs/{page.pk}/print/").content.decode()
    assert "Your home program" in html and "<ol>" in html
    assert no_inline_scripts(html)


def test_history_page_lists_engine_and_clinician_changes(client, page):
    client.post(f"/programs/{page.pk}/note/", {"notes": "x"})
    html = client.get(f"/programs/{page.pk}/history/").content.decode()
    assert "built" in html and "noted" in html


def test_front_desk_gets_403_and_another_clinic_404(client, world, page):
    client.force_login(world.home.frontdesk)
    assert client.get(f"/programs/{page.pk}/").status_code == 403
    assert client.get("/programs/").status_code == 403
    client.force_login(world.other.clinician)
    assert client.get(f"/programs/{page.pk}/").status_code == 404
    assert client.post(f"/programs/{page.pk}/publish/").status_code == 404
    assert client.post(f"/screens/{page.screen_id}/program/").status_code == 404


def test_the_programs_page_lists_screens_to_build_from(client, page):
    html = client.get("/programs/").content.decode()
    assert "Build program" in html and page.patient.full_name in html


def test_the_build_applies_the_clinic_threshold_overrides(client, world, example_1_screen):
    """Knee-to-wall 7.5 / 11 cm is restricted under the defaults, not under this clinic's."""
    from assessments.models import ClinicThresholds

    client.force_login(world.home.clinician)
    client.post(f"/screens/{example_1_screen.pk}/program/")
    default = Program.objects.get(screen=example_1_screen, version=1)
    assert default.items.filter(finding="restricted_dorsiflexion").exists()
    ClinicThresholds.objects.create(
        clinic=world.home.clinic,
        overrides={"wblt.restricted_cm": 7.0, "wblt.marked_cm": 6.0, "wblt.asym_cm": 5.0},
    )
    assert client.post(f"/screens/{example_1_screen.pk}/program/").status_code == 302
    lenient = Program.objects.get(screen=example_1_screen, version=2)
    assert not lenient.items.filter(finding="restricted_dorsiflexion").exists()


def test_an_unknown_or_impossible_screen_id_is_404(client, world):
    client.force_login(world.home.clinician)
    for pk in ("999999", "99999999999999999999"):
        assert client.post(f"/screens/{pk}/program/").status_code == 404
