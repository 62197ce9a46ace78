"""Insecure direct object references: ids of another clinic's or another patient's records.

Every write (API operation or page form) is sent by a home-clinic user who may make that
change to their own clinic's records, but aimed at the other clinic's record. The answer is
404 and no row of patient or clinic data changes (a snapshot of those tables before and after
is compared). The same request aimed at our own record is sent as a control, which proves the
request is one the server would carry out, so the 404 is the clinic check and not bad input.

Writes that only name a foreign record in their body (book for their patient, screen their
patient, build from their screen) are refused and create nothing. Every list endpoint, as
every actor, returns only the actor's own clinic's (or own patient's) rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.core import mail, serializers
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import CLINIC_TZ
from tests.security.conftest import Furnished, Records

pytestmark = pytest.mark.django_db

# Tables of patient and clinic data: any change to them is a change the attacker made.
DATA_APPS = ("clinic", "booking", "notifications", "assessments", "programs")


def snapshot() -> dict[str, list]:
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        rows = serializers.serialize("python", model.objects.order_by("pk"))
        for row in rows:
            row["fields"].pop("last_login", None)
        tables[model._meta.label] = rows
    tables["mail"] = [(m.subject, m.to) for m in mail.outbox]
    return tables


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _free_day() -> date:
    """A weekday two weeks ahead (the test clinics work Monday to Friday)."""
    day = timezone.localdate(timezone=CLINIC_TZ) + timedelta(days=15)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _tomorrow_10() -> str:
    return _free_day().isoformat()


@dataclass
class Write:
    """A write aimed at one clinic's records `r`; `actor` names the home user who sends it."""

    method: str
    url: Callable[[Records], str]
    actor: str
    data: Callable[[Records], dict] = field(default=lambda r: {})
    json: bool = True
    ok: tuple[int, ...] = (200, 201, 204, 302)


def _dose(r: Records) -> dict:
    item = r.draft.items.first()
    return {
        f"i{item.pk}-side": item.side,
        f"i{item.pk}-sets": 4,
        f"i{item.pk}-reps": 12,
        f"i{item.pk}-days_per_week": 3,
    }


WRITES: dict[str, Write] = {
    # API
    "PATCH /api/v1/patients/{id}/": Write(
        "patch",
        lambda r: f"/api/v1/patients/{r.side.patient_a.pk}/",
        "frontdesk",
        lambda r: {"phone": "410-555-0199"},
    ),
    "PATCH /api/v1/appointments/{id}/": Write(
        "patch",
        lambda r: f"/api/v1/appointments/{r.visit.pk}/",
        "frontdesk",
        lambda r: {"notes": "Bring trainers"},
    ),
    "POST /api/v1/appointments/{id}/arrived/": Write(
        "post", lambda r: f"/api/v1/appointments/{r.past_visit.pk}/arrived/", "frontdesk"
    ),
    "POST /api/v1/appointments/{id}/cancel/": Write(
        "post",
        lambda r: f"/api/v1/appointments/{r.visit.pk}/cancel/",
        "frontdesk",
        lambda r: {"reason": "Patient is ill"},
    ),
    "POST /api/v1/appointments/{id}/no-show/": Write(
        "post", lambda r: f"/api/v1/appointments/{r.past_visit.pk}/no-show/", "frontdesk"
    ),
    "PATCH /api/v1/screens/{id}/": Write(
        "patch",
        lambda r: f"/api/v1/screens/{r.screen.pk}/",
        "clinician",
        lambda r: {"notes": "Re-tested the calf"},
    ),
    "PATCH /api/v1/programs/{id}/": Write(
        "patch",
        lambda r: f"/api/v1/programs/{r.draft.pk}/",
        "clinician",
        lambda r: {"notes": "Easy week"},
    ),
    "POST /api/v1/programs/{id}/publish/": Write(
        "post", lambda r: f"/api/v1/programs/{r.draft.pk}/publish/", "clinician"
    ),
    # Pages
    "patients/<int:pk>/edit/": Write(
        "post",
        lambda r: f"/patients/{r.side.patient_a.pk}/edit/",
        "frontdesk",
        lambda r: {
            "first_name": "Changed",
            "last_name": "Name",
            "date_of_birth": "1990-01-01",
            "sex": "female",
            "email": "changed@example.test",
            "phone": "410-555-0100",
        },
        json=False,
    ),
    "patients/<int:pk>/invite/": Write(
        "post", lambda r: f"/patients/{r.side.patient_a.pk}/invite/", "frontdesk", json=False
    ),
    "settings/staff/<int:pk>/": Write(
        "post",
        lambda r: f"/settings/staff/{r.side.clinician.membership.pk}/",
        "admin",
        lambda r: {"role": "front_desk", "title": "Changed", "is_active": "on"},
        json=False,
    ),
    "settings/staff/<int:user_id>/hours/": Write(
        "post",
        lambda r: f"/settings/staff/{r.side.clinician.pk}/hours/",
        "admin",
        lambda r: {"works_0": "on", "start_0": "07:00", "end_0": "11:00"},
        json=False,
    ),
    "settings/appointment-types/<int:pk>/": Write(
        "post",
        lambda r: f"/settings/appointment-types/{r.kind.pk}/",
        "admin",
        lambda r: {
            "name": "Changed",
            "slug": r.kind.slug,
            "duration_minutes": 30,
            "buffer_minutes": 0,
            "is_public": "on",
            "color": "#123456",
            "is_active": "on",
        },
        json=False,
    ),
    "patients/<int:patient_pk>/screens/new/": Write(
        "post",
        lambda r: f"/patients/{r.side.patient_a.pk}/screens/new/",
        "clinician",
        lambda r: {"performed_on": "2026-10-05"},
        json=False,
    ),
    "screens/<int:pk>/edit/": Write(
        "post",
        lambda r: f"/screens/{r.screen.pk}/edit/",
        "clinician",
        lambda r: {"performed_on": "2026-10-06"},
        json=False,
    ),
    "calendar/appointments/<int:pk>/move/": Write(
        "post",
        lambda r: f"/calendar/appointments/{r.visit.pk}/move/",
        "frontdesk",
        lambda r: {"day": _tomorrow_10(), "start_time": "14:00"},
        json=False,
    ),
    "calendar/appointments/<int:pk>/cancel/": Write(
        "post",
        lambda r: f"/calendar/appointments/{r.visit.pk}/cancel/",
        "frontdesk",
        lambda r: {"reason": "Patient is ill"},
        json=False,
    ),
    "calendar/appointments/<int:pk>/status/": Write(
        "post",
        lambda r: f"/calendar/appointments/{r.past_visit.pk}/status/",
        "frontdesk",
        lambda r: {"status": "no_show"},
        json=False,
    ),
    "screens/<int:screen_pk>/program/": Write(
        "post", lambda r: f"/screens/{r.screen.pk}/program/", "clinician", json=False
    ),
    "programs/<int:pk>/note/": Write(
        "post",
        lambda r: f"/programs/{r.draft.pk}/note/",
        "clinician",
        lambda r: {"notes": "Easy week"},
        json=False,
    ),
    "programs/<int:pk>/publish/": Write(
        "post", lambda r: f"/programs/{r.draft.pk}/publish/", "clinician", json=False
    ),
    "programs/<int:pk>/items/add/": Write(
        "post",
        lambda r: f"/programs/{r.draft.pk}/items/add/",
        "clinician",
        lambda r: {"drill": r.own_drill.slug, "side": "both"},
        json=False,
    ),
    "programs/<int:pk>/items/<int:item_pk>/remove/": Write(
        "post",
        lambda r: f"/programs/{r.draft.pk}/items/{r.draft.items.first().pk}/remove/",
        "clinician",
        json=False,
    ),
    "programs/<int:pk>/items/<int:item_pk>/dose/": Write(
        "post",
        lambda r: f"/programs/{r.draft.pk}/items/{r.draft.items.first().pk}/dose/",
        "clinician",
        _dose,
        json=False,
    ),
    "programs/library/<int:pk>/text/": Write(
        "post",
        lambda r: f"/programs/library/{r.own_drill.pk}/text/",
        "clinician",
        lambda r: {
            "name_en": "Renamed drill",
            "instructions_en": "Step one.",
            "name_es": "Ejercicio renombrado",
            "instructions_es": "Paso uno.",
        },
        json=False,
    ),
    "programs/<int:pk>/items/<int:item_pk>/move/": Write(
        "post",
        lambda r: f"/programs/{r.draft.pk}/items/{r.draft.items.last().pk}/move/",
        "clinician",
        lambda r: {"direction": "up"},
        json=False,
    ),
    "patients/<int:pk>/self-tests/ask/": Write(
        "post",
        lambda r: f"/patients/{r.side.patient_a.pk}/self-tests/ask/",
        "clinician",
        json=False,
    ),
}


def _send(furnished: Furnished, write: Write, target: Records):
    user = getattr(furnished.world.home, write.actor)
    client = client_for(user)
    data = write.data(target)
    kwargs = {"format": "json"} if write.json else {}
    before = snapshot()
    response = getattr(client, write.method)(write.url(target), data, **kwargs)
    return response, changed_tables(before, snapshot())


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_to_another_clinics_record_is_404_and_changes_nothing(furnished, name):
    write = WRITES[name]
    response, changed = _send(furnished, write, furnished.other)
    assert response.status_code == 404, name
    assert changed == [], f"{name} changed {changed}"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_same_write_to_our_own_record_goes_through(furnished, name):
    """The control: without it, a 404 could be bad input rather than the clinic check."""
    write = WRITES[name]
    response, changed = _send(furnished, write, furnished.home)
    assert response.status_code in write.ok, (name, response.status_code, response.content[:300])
    assert changed != [], f"{name} changed nothing for our own record"


@dataclass
class Reference:
    """A write to our own record or collection whose body names `target`'s record."""

    method: str
    url: Callable[[Records], str]  # given our own records
    actor: str
    data: Callable[[Records, Records], dict]  # given our own records and the target's
    json: bool = True
    ok: tuple[int, ...] = (200, 201, 302)
    refused: tuple[int, ...] = (400, 404)


def _first_item(program) -> int:
    return program.items.first().pk


def _start(records: Records) -> str:
    return datetime.combine(_free_day(), time(14), tzinfo=records.side.clinic.tz).isoformat()


REFERENCES: dict[str, Reference] = {
    "POST /api/v1/appointments/ (patient)": Reference(
        "post",
        lambda own: "/api/v1/appointments/",
        "frontdesk",
        lambda own, t: {
            "type": own.kind.slug,
            "start": _start(own),
            "patient": t.side.patient_a.pk,
        },
    ),
    "PATCH /api/v1/appointments/{id}/ (clinician)": Reference(
        "patch",
        lambda own: f"/api/v1/appointments/{own.visit.pk}/",
        "frontdesk",
        lambda own, t: {"start": _start(own), "clinician": t.side.clinician.pk},
    ),
    "POST /api/v1/screens/ (patient)": Reference(
        "post",
        lambda own: "/api/v1/screens/",
        "clinician",
        lambda own, t: {"patient": t.side.patient_a.pk, "performed_on": "2026-10-05"},
    ),
    "POST /api/v1/programs/ (screen)": Reference(
        "post",
        lambda own: "/api/v1/programs/",
        "clinician",
        lambda own, t: {"screen": t.screen.pk},
    ),
    "PATCH /api/v1/programs/{id}/ (remove item)": Reference(
        "patch",
        lambda own: f"/api/v1/programs/{own.draft.pk}/",
        "clinician",
        lambda own, t: {"remove": [_first_item(t.draft)]},
    ),
    "PATCH /api/v1/programs/{id}/ (dose item)": Reference(
        "patch",
        lambda own: f"/api/v1/programs/{own.draft.pk}/",
        "clinician",
        lambda own, t: {"items": [{"id": _first_item(t.draft), "sets": 4}]},
    ),
    "POST /api/v1/me/sessions/ (program item)": Reference(
        "post",
        lambda own: "/api/v1/me/sessions/",
        "patient_a",
        lambda own, t: {
            "date": timezone.localdate(timezone=own.side.clinic.tz).isoformat(),
            "items": [
                {
                    "program_item": _first_item(t.published),
                    "completed_sets": 2,
                    "pain_during": 1,
                    "difficulty": 3,
                }
            ],
        },
    ),
    "POST /api/v1/appointments/ (clinician)": Reference(
        "post",
        lambda own: "/api/v1/appointments/",
        "frontdesk",
        lambda own, t: {
            "type": own.kind.slug,
            "start": _start(own),
            "patient": own.side.patient_b.pk,
            "clinician": t.side.clinician.pk,
        },
    ),
    "POST /api/v1/appointments/ (type)": Reference(
        "post",
        lambda own: "/api/v1/appointments/",
        "frontdesk",
        lambda own, t: {
            "type": t.kind.slug,
            "start": _start(own),
            "patient": own.side.patient_b.pk,
        },
    ),
    "POST /api/v1/public/bookings/ (clinician)": Reference(
        "post",
        lambda own: f"/api/v1/public/bookings/?clinic={own.side.clinic.slug}",
        "anonymous",
        lambda own, t: {
            "type": own.kind.slug,
            "start": _start(own),
            "clinician": t.side.clinician.pk,
            "name": "Cora New",
            "email": "cora@example.test",
            "phone": "410-555-0142",
        },
    ),
    "calendar/book/ (clinician)": Reference(
        "post",
        lambda own: "/calendar/book/",
        "frontdesk",
        lambda own, t: {
            "appointment_type": own.kind.pk,
            "clinician": t.side.clinician.pk,
            "day": _tomorrow_10(),
            "start_time": "14:00",
            "patient": own.side.patient_b.pk,
        },
        json=False,
        refused=(200, 400, 404),
    ),
    "calendar/time-off/ (clinician)": Reference(
        "post",
        lambda own: "/calendar/time-off/",
        "frontdesk",
        lambda own, t: {
            "clinician": t.side.clinician.pk,
            "day": _tomorrow_10(),
            "start_time": "12:00",
            "end_time": "13:00",
            "reason": "Dentist",
        },
        json=False,
        refused=(200, 400, 404),
    ),
    "settings/appointment-types/new/ (clinicians)": Reference(
        "post",
        lambda own: "/settings/appointment-types/new/",
        "admin",
        lambda own, t: {
            "name": "Gait retraining",
            "slug": "gait-retraining",
            "duration_minutes": 45,
            "buffer_minutes": 0,
            "is_public": "on",
            "color": "#123456",
            "is_active": "on",
            "clinicians": [t.side.clinician.pk],
        },
        json=False,
        refused=(200, 400, 404),
    ),
    "calendar/book/ (patient)": Reference(
        "post",
        lambda own: "/calendar/book/",
        "frontdesk",
        lambda own, t: {
            "appointment_type": own.kind.pk,
            "clinician": own.side.clinician.pk,
            "day": _tomorrow_10(),
            "start_time": "14:00",
            "patient": t.side.patient_a.pk,
        },
        json=False,
        refused=(200, 400, 404),  # the form is shown again with the error
    ),
    "programs/<int:pk>/items/<int:item_pk>/remove/ (item of another program)": Reference(
        "post",
        lambda own: f"/programs/{own.draft.pk}/items/{{item}}/remove/",
        "clinician",
        lambda own, t: {},
        json=False,
        refused=(302, 404),  # back to our draft with a message
    ),
    "programs/<int:pk>/items/<int:item_pk>/dose/ (item of another program)": Reference(
        "post",
        lambda own: f"/programs/{own.draft.pk}/items/{{item}}/dose/",
        "clinician",
        lambda own, t: {"side": "both", "sets": 4, "reps": 12, "days_per_week": 3},
        json=False,
        refused=(302, 404),
    ),
}


def _send_reference(furnished: Furnished, ref: Reference, target: Records):
    own = furnished.home
    if ref.actor == "anonymous":
        client = APIClient()
    elif ref.actor == "patient_a":
        client = client_for(own.side.patient_a.user)
    else:
        client = client_for(getattr(own.side, ref.actor))
    item = _first_item(target.draft)
    url = ref.url(own).replace("{item}", str(item))
    data = ref.data(own, target)
    if "/dose/" in url:
        data = {f"i{item}-{key}": value for key, value in data.items()}
    before = snapshot()
    response = getattr(client, ref.method)(url, data, **({"format": "json"} if ref.json else {}))
    return response, changed_tables(before, snapshot())


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_naming_another_clinics_record_in_the_body_is_refused(furnished, name):
    ref = REFERENCES[name]
    response, changed = _send_reference(furnished, ref, furnished.other)
    assert response.status_code in ref.refused, (name, response.status_code)
    assert changed == [], f"{name} changed {changed}"


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_naming_our_own_record_in_the_body_goes_through(furnished, name):
    ref = REFERENCES[name]
    response, changed = _send_reference(furnished, ref, furnished.home)
    assert response.status_code in ref.ok, (name, response.status_code, response.content[-3000:])
    assert changed != [], f"{name} changed nothing for our own record"


# Writes with no own-record twin: the other clinic's own drill cannot be hidden by anybody
# (only library drills can), and a patient may not touch another patient's screen.
def test_hiding_another_clinics_own_drill_is_404(furnished):
    client = client_for(furnished.world.home.clinician)
    for action in ("hide", "unhide"):
        before = snapshot()
        response = client.post(f"/api/v1/drills/{furnished.other.own_drill.pk}/{action}/")
        assert response.status_code == 404, action
        assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("records", ["home", "other"])
def test_a_patient_cannot_change_another_patients_screen(furnished, records):
    target = getattr(furnished, records)
    client = client_for(furnished.world.home.patient_b.user)
    before = snapshot()
    response = client.patch(
        f"/api/v1/screens/{target.screen.pk}/", {"notes": "Mine now"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert changed_tables(before, snapshot()) == []


ACTORS = (
    "anonymous",
    "patient_a",
    "patient_b",
    "frontdesk",
    "clinician",
    "admin",
    "other_admin",
    "other_clinician",
)


def _actor(furnished: Furnished, actor: str):
    """The user, their clinic's records and, for a patient, the patient record."""
    world = furnished.world
    if actor == "anonymous":
        return None, None, None
    if actor.startswith("other_"):
        return getattr(world.other, actor.removeprefix("other_")), furnished.other, None
    if actor.startswith("patient_"):
        patient = getattr(world.home, actor)
        return patient.user, furnished.home, patient
    return getattr(world.home, actor), furnished.home, None


def _owner(model_label: str, pk: int) -> tuple[int | None, int | None]:
    """(clinic id, patient id) of one listed row."""
    model = apps.get_model(model_label)
    row = model.objects.get(pk=pk)
    if model_label == "clinic.Patient":
        return row.clinic_id, row.pk
    return getattr(row, "clinic_id", None), getattr(row, "patient_id", None)


API_LISTS = {
    "/api/v1/patients/": "clinic.Patient",
    "/api/v1/patients/?search=Ada": "clinic.Patient",
    "/api/v1/appointments/": "booking.Appointment",
    "/api/v1/appointments/?from=2000-01-01&to=2100-01-01": "booking.Appointment",
    "/api/v1/screens/": "assessments.Screen",
    "/api/v1/programs/": "programs.Program",
    "/api/v1/drills/": "programs.Drill",
    "/api/v1/drills/?search=band": "programs.Drill",
}


@pytest.mark.parametrize("url", sorted(API_LISTS))
@pytest.mark.parametrize("actor", ACTORS)
def test_api_lists_never_return_foreign_rows(furnished, url, actor):
    user, own, patient = _actor(furnished, actor)
    client = client_for(user) if user else APIClient()
    response = client.get(url)
    if response.status_code != 200:
        assert response.status_code in (401, 403), (url, actor, response.status_code)
        return
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows, f"{url} as {actor} lists nothing, so the check would prove nothing"
    for row in rows:
        clinic_id, patient_id = _owner(API_LISTS[url], row["id"])
        assert clinic_id in (own.side.clinic.pk, None), (url, actor, row["id"])
        if API_LISTS[url] == "programs.Drill" and clinic_id is None:
            continue
        if patient is not None:
            assert patient_id == patient.pk, (url, actor, row["id"])


def _foreign_names(furnished: Furnished, actor: str) -> list[str]:
    """Text that must not appear on any page the actor sees."""
    world = furnished.world
    if actor.startswith("other_"):
        foreign_patients = [world.home.patient_a, world.home.patient_b]
        foreign_clinic = world.home.clinic
    else:
        foreign_patients = [world.other.patient_a, world.other.patient_b]
        foreign_clinic = world.other.clinic
        if actor == "patient_a":
            foreign_patients.append(world.home.patient_b)
        if actor == "patient_b":
            foreign_patients.append(world.home.patient_a)
    names = [foreign_clinic.name]
    for p in foreign_patients:
        names += [f"{p.first_name} {p.last_name}", f"{p.last_name}, {p.first_name}", p.email]
    return names


PAGE_LISTS = (
    "/",
    "/patients/",
    "/patients/?q=Ada",
    "/programs/",
    "/calendar/",
    "/calendar/week/",
    "/calendar/patients/?q=Ada",
    "/calendar/patients/?q=Ben",
    "/notifications/",
)


@pytest.mark.parametrize("url", PAGE_LISTS)
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_list_pages_never_show_foreign_rows(furnished, url, actor):
    user, own, _ = _actor(furnished, actor)
    response = client_for(user).get(url)
    if response.status_code != 200:
        assert response.status_code in (302, 403), (url, actor, response.status_code)
        return
    page = response.content.decode()
    for name in _foreign_names(furnished, actor):
        assert name not in page, (url, actor, name)


def test_the_page_check_would_see_a_leak(furnished):
    """Our own patients appear on these pages in one of the forms `_foreign_names` looks for."""
    page = client_for(furnished.world.home.frontdesk).get("/patients/").content.decode()
    ada = furnished.world.home.patient_a
    assert any(name in page for name in (f"{ada.first_name} {ada.last_name}", ada.email))
    page = client_for(furnished.world.home.frontdesk).get("/calendar/patients/?q=Ada")
    assert ada.last_name in page.content.decode()
