"""Every staff read of a patient's screen or program leaves one access row (actor, clinic,
patient, object, time); patients' own reads and refused reads leave none. Works on any
database (the access log is plain INSERTs)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from clinic.audit.models import EVENT_MODELS, AccessEvent

pytestmark = pytest.mark.django_db


def _reads():
    return list(AccessEvent.objects.order_by("id"))


@pytest.mark.parametrize(
    ("path", "kind", "detail"),
    [
        ("/screens/{screen}/", "screen", ""),
        ("/api/v1/screens/{screen}/", "screen", "api"),
        ("/programs/{program}/", "program", ""),
        ("/programs/{program}/print/", "program", "print"),
        ("/programs/{program}/history/", "program", "history"),
        ("/api/v1/programs/{program}/", "program", "api"),
        ("/api/v1/programs/{program}/history/", "program", "api history"),
    ],
)
@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_a_staff_read_is_recorded_once(client, world, record, path, kind, detail, who):
    user = getattr(world.home, who)
    client.force_login(user)
    url = path.format(screen=record.screen.pk, program=record.program.pk)
    assert client.get(url).status_code == 200
    [row] = _reads()
    obj = record.screen if kind == "screen" else record.program
    assert (row.actor_id, row.clinic_id, row.patient_id) == (
        user.pk,
        world.home.clinic.pk,
        world.home.patient_a.pk,
    )
    assert (row.action, row.object_type, row.object_id, row.detail) == (
        "view",
        kind,
        obj.pk,
        detail,
    )
    assert row.created_at is not None


def test_a_patient_reading_their_own_screen_is_not_a_staff_read(api, world, record):
    api.force_login(world.home.patient_a.user)
    assert api.get(f"/api/v1/screens/{record.screen.pk}/").status_code == 200
    assert _reads() == []


@pytest.mark.parametrize("path", ["/screens/{screen}/", "/programs/{program}/"])
def test_a_refused_read_leaves_no_access_row(client, world, record, path):
    client.force_login(world.other.clinician)
    url = path.format(screen=record.screen.pk, program=record.program.pk)
    assert client.get(url).status_code == 404
    assert _reads() == []


def test_the_admin_site_shows_audit_rows_read_only(world):
    request = RequestFactory().get("/admin/")
    request.user = world.home.admin
    for model in [*EVENT_MODELS.values(), AccessEvent]:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
