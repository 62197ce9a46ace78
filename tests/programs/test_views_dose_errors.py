"""A bad dose on the draft page comes back on the same page, next to what was typed."""

import pytest

from programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(client, world, example_1_screen):
    client.force_login(world.home.clinician)
    client.post(f"/screens/{example_1_screen.pk}/program/")
    return Program.objects.get(screen=example_1_screen)


def _dose(item, **changes):
    values = {"side": item.side, "sets": 3, "reps": 12, "hold_s": "", "days_per_week": 5}
    values.update(changes)
    return {f"i{item.pk}-{k}": v for k, v in values.items()}


def test_an_out_of_range_dose_re_renders_with_the_typed_values(client, program):
    item = program.items.order_by("order").first()
    before = (item.sets, item.reps, item.days_per_week)
    response = client.post(
        f"/programs/{program.pk}/items/{item.pk}/dose/",
        _dose(item, sets=12, days_per_week=4, load_note="light band"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "less than or equal to 10" in html
    assert f'name="i{item.pk}-sets" value="12"' in html
    assert f'name="i{item.pk}-days_per_week" value="4"' in html
    assert 'value="light band"' in html
    assert "<details open>" in html  # the failed form is shown, not folded away
    item.refresh_from_db()
    assert (item.sets, item.reps, item.days_per_week) == before


def test_a_dose_the_service_refuses_shows_its_message_on_the_form(client, program):
    item = program.items.order_by("order").first()
    response = client.post(
        f"/programs/{program.pk}/items/{item.pk}/dose/", _dose(item, reps="", hold_s="")
    )
    assert response.status_code == 400
    assert "An item needs reps or a hold time." in response.content.decode()


def test_a_good_dose_still_redirects_with_a_message(client, program):
    item = program.items.order_by("order").first()
    response = client.post(
        f"/programs/{program.pk}/items/{item.pk}/dose/", _dose(item, sets=4), follow=True
    )
    assert response.redirect_chain[-1][0] == f"/programs/{program.pk}/"
    assert "Draft updated." in response.content.decode()
    item.refresh_from_db()
    assert item.sets == 4


def test_an_item_of_another_program_is_not_found(client, program, world, screen_factory):
    other = screen_factory(world.home, world.home.patient_b, knee_to_wall_cm_left=7.0)
    client.post(f"/screens/{other.pk}/program/")
    foreign = Program.objects.get(screen=other).items.first()
    response = client.post(
        f"/programs/{program.pk}/items/{foreign.pk}/dose/", _dose(foreign, sets=4)
    )
    assert response.status_code == 404
