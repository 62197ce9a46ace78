"""POST/GET /api/v1/me/runs/ and the patient's runs page: several files at once, all or
nothing, duplicates stored once, a 400 naming the bad file, size limit, tenancy; the weekly
load on the patient's and the clinician's pages; runs feeding the running-spike rule."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from programs import demo, evaluation, run_selectors
from programs.models import CheckIn, Run
from tests.factories import CLINIC_TZ
from tests.programs.run_files import fit_run, gpx_run, tcx_run
from tests.programs.test_progression_service import check_in, current, log, one_drill_program

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/runs/"


def start_on(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CLINIC_TZ)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


@pytest.fixture
def today(world):
    return world.home.clinic.today()


def test_several_files_at_once_are_stored_with_the_documented_shape(patient_api, world, today):
    files = [
        upload("morning.fit", fit_run(start=start_on(today - timedelta(days=2)))),
        upload("tempo.tcx", tcx_run(start=start_on(today - timedelta(days=1)))),
        upload("easy.gpx", gpx_run(start=start_on(today), cadence_per_leg=None)),
    ]
    response = patient_api.post(URL, {"file": files}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body) == 3
    for item in body:
        assert {"id", "date", "distance_m", "duration_s", "cadence_spm"} <= set(item)
    assert [item["date"] for item in body] == [
        (today - timedelta(days=2)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
        today.isoformat(),
    ]
    assert body[0]["distance_m"] == 10_000 and body[0]["duration_s"] == 3000
    assert body[0]["cadence_spm"] == 170 and body[1]["cadence_spm"] == 176
    assert body[2]["cadence_spm"] is None
    runs = Run.objects.filter(patient=world.home.patient_a)
    assert runs.count() == 3
    assert {r.clinic_id for r in runs} == {world.home.clinic.pk}
    assert sorted(r.source_format for r in runs) == ["fit", "gpx", "tcx"]


def test_the_run_date_is_the_clinics_day(patient_api, world):
    # 23:30 in New York is already the next day in UTC: the run belongs to the clinic's day.
    late = datetime(2026, 11, 3, 23, 30, tzinfo=CLINIC_TZ)
    response = patient_api.post(
        URL, {"file": [upload("late.fit", fit_run(start=late))]}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()[0]["date"] == "2026-11-03"


def test_the_same_file_twice_is_stored_once(patient_api, world, today):
    data = fit_run(start=start_on(today))
    first = patient_api.post(URL, {"file": [upload("a.fit", data)]}, format="multipart")
    again = patient_api.post(URL, {"file": [upload("renamed.fit", data)]}, format="multipart")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()[0]["id"] == first.json()[0]["id"]
    assert again.json()[0]["duplicate"] is True and first.json()[0]["duplicate"] is False
    assert Run.objects.filter(patient=world.home.patient_a).count() == 1


def test_the_same_file_twice_in_one_request_is_stored_once(patient_api, world, today):
    data = gpx_run(start=start_on(today))
    response = patient_api.post(
        URL, {"file": [upload("a.gpx", data), upload("b.gpx", data)]}, format="multipart"
    )
    assert response.status_code == 201
    first, second = response.json()
    assert first["id"] == second["id"] and second["duplicate"] is True
    assert Run.objects.count() == 1


def test_another_patient_may_upload_the_same_file(api, world, today):
    data = fit_run(start=start_on(today))
    for patient in (world.home.patient_a, world.home.patient_b):
        api.force_login(patient.user)
        response = api.post(URL, {"file": [upload("a.fit", data)]}, format="multipart")
        assert response.status_code == 201
    assert Run.objects.count() == 2


def test_a_bad_file_is_named_and_nothing_is_stored(patient_api, world, today):
    broken = bytearray(fit_run(start=start_on(today)))
    broken[40] ^= 0xFF
    files = [
        upload("good.gpx", gpx_run(start=start_on(today))),
        upload("broken-watch.fit", bytes(broken)),
    ]
    response = patient_api.post(URL, {"file": files}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["filename"] == "broken-watch.fit"
    assert "broken-watch.fit" in body["file"][0] and "damaged" in body["file"][0]
    assert not Run.objects.exists()  # the good file was not stored either


def test_a_file_of_another_type_is_refused_whatever_its_name(patient_api, today):
    response = patient_api.post(
        URL, {"file": [upload("holiday.gpx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)]}, "multipart"
    )
    assert response.status_code == 400
    assert response.json()["file"] == ["holiday.gpx: is not a FIT, TCX or GPX file."]


def test_a_huge_file_is_refused_before_it_is_read(patient_api, settings, today):
    settings.RUN_FILE_MAX_BYTES = 2000
    data = gpx_run(start=start_on(today), points=40)
    assert len(data) > 2000
    response = patient_api.post(URL, {"file": [upload("long.gpx", data)]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["filename"] == "long.gpx"
    assert "larger than" in response.json()["file"][0]
    assert not Run.objects.exists()


def test_no_file_is_a_400(patient_api):
    response = patient_api.post(URL, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_too_many_files_are_refused(patient_api, settings, today):
    settings.RUN_UPLOAD_MAX_FILES = 2
    files = [upload(f"{n}.gpx", gpx_run(start=start_on(today, 6 + n))) for n in range(3)]
    response = patient_api.post(URL, {"file": files}, format="multipart")
    assert response.status_code == 400 and "at most 2" in response.json()["file"][0]
    assert not Run.objects.exists()


def make_run(patient, day: date, km: float, *, cadence=170, minutes=30, digest=None) -> Run:
    return Run.objects.create(
        patient=patient,
        clinic=patient.clinic,
        date=day,
        start_time=start_on(day),
        distance_m=round(km * 1000),
        duration_s=minutes * 60,
        cadence_spm=cadence,
        elevation_gain_m=Decimal("12.0"),
        source_format="fit",
        sha256=digest or f"{patient.pk}-{day}-{km}".ljust(64, "0")[:64],
    )


def test_get_lists_only_the_patients_own_runs(patient_api, world, today):
    mine = make_run(world.home.patient_a, today, 5)
    make_run(world.home.patient_b, today, 7)
    make_run(world.other.patient_a, today, 9)
    response = patient_api.get(URL)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [mine.pk]
    assert response.json()[0]["pace_s_per_km"] == 360.0


@pytest.mark.parametrize("actor", ["clinician", "admin", "frontdesk"])
def test_staff_cannot_use_the_patients_runs_api(api, world, actor, today):
    api.force_login(getattr(world.home, actor))
    assert api.get(URL).status_code == 403
    data = {"file": [upload("a.gpx", gpx_run(start=start_on(today)))]}
    assert api.post(URL, data, format="multipart").status_code == 403
    assert not Run.objects.exists()


def test_anonymous_gets_401(api):
    assert api.get(URL).status_code == 401


# --- weekly load: selector and pages ---


def test_running_load_has_weekly_km_long_run_and_cadence_in_two_queries(
    world, django_assert_num_queries
):
    patient = world.home.patient_a
    today = date(2026, 12, 9)  # a Wednesday
    make_run(patient, date(2026, 12, 8), 6, cadence=160)
    make_run(patient, date(2026, 12, 1), 12, cadence=170, minutes=60)
    make_run(patient, date(2026, 12, 3), 5, cadence=None)
    make_run(patient, date(2026, 9, 1), 20)  # long ago: in no week shown
    make_run(world.home.patient_b, date(2026, 12, 8), 30)
    with django_assert_num_queries(2):
        load = run_selectors.running_load(patient=patient, today=today, weeks=4)
    assert [(w.monday, w.km, w.long_run_km, w.cadence_spm) for w in load.weeks] == [
        (date(2026, 11, 16), 0, None, None),
        (date(2026, 11, 23), 0, None, None),
        (date(2026, 11, 30), 17, 12, 170),
        (date(2026, 12, 7), 6, 6, 160),
    ]
    assert load.recent_cadence_spm == 167  # (170*60 + 160*30) / 90
    assert load.cadence_target == (175, 184)
    assert [r.date for r in load.latest][:3] == [
        date(2026, 12, 8),
        date(2026, 12, 3),
        date(2026, 12, 1),
    ]


def test_running_load_queries_do_not_grow_with_the_history(world, django_assert_num_queries):
    patient = world.home.patient_a
    for n in range(40):
        make_run(patient, date(2026, 12, 9) - timedelta(days=n), 5 + n % 3)
    with django_assert_num_queries(2):
        run_selectors.running_load(patient=patient, today=date(2026, 12, 9))


def test_the_patient_uploads_on_the_page_and_sees_the_week(client, world, today):
    client.force_login(world.home.patient_a.user)
    files = [
        upload("one.fit", fit_run(start=start_on(today))),
        upload("two.tcx", tcx_run(start=start_on(today, 18))),
    ]
    response = client.post("/me/runs/", {"file": files})
    assert response.status_code == 302
    page = client.get("/me/runs/")
    text = page.content.decode()
    assert "2 runs added." in text
    assert "15.0" in text  # 10 km + 5 km this week
    assert "Cadence over the last 4 weeks" in text


def test_the_page_names_a_bad_file(client, world, today):
    client.force_login(world.home.patient_a.user)
    response = client.post("/me/runs/", {"file": [upload("notes.txt", b"hello")]})
    assert response.status_code == 400
    assert "notes.txt: is not a FIT, TCX or GPX file." in response.content.decode()
    assert not Run.objects.exists()


def test_the_patient_home_links_to_the_runs(client, world):
    client.force_login(world.home.patient_a.user)
    assert 'href="/me/runs/"' in client.get("/").content.decode()


def test_the_clinician_sees_the_runs_on_the_chart_and_other_clinics_do_not(client, world, today):
    make_run(world.home.patient_a, today, 8.5)
    client.force_login(world.home.clinician)
    page = client.get(f"/patients/{world.home.patient_a.pk}/").content.decode()
    assert "Runs uploaded from the watch" in page and "8.50 km" in page
    client.force_login(world.other.clinician)
    assert client.get(f"/patients/{world.home.patient_a.pk}/").status_code == 404


def test_the_front_desk_does_not_see_the_runs(client, world, today):
    make_run(world.home.patient_a, today, 8.5)
    client.force_login(world.home.frontdesk)
    page = client.get(f"/patients/{world.home.patient_a.pk}/").content.decode()
    assert "Runs uploaded from the watch" not in page


# --- the running-spike rule reads the uploaded runs ---


@time_machine.travel(datetime(2026, 12, 9, 12, tzinfo=CLINIC_TZ), tick=False)
def test_weekly_run_km_prefers_uploaded_runs_over_the_check_in_answer(world):
    patient = world.home.patient_a
    today = date(2026, 12, 9)
    program = one_drill_program(world.home)
    for day, km in ((date(2026, 11, 18), 20), (date(2026, 11, 25), 22), (date(2026, 12, 8), 25)):
        CheckIn.objects.create(
            patient=patient, program=program, date=day, pain_next_morning=0, run_km_week=km
        )
    assert evaluation.weekly_run_km(patient_id=patient.pk, today=today) == (20, 22, 25)
    make_run(patient, date(2026, 12, 2), 14)  # the first upload
    make_run(patient, date(2026, 12, 7), 20)
    make_run(patient, date(2026, 12, 8), 16)
    # Weeks before the first upload keep the answers; from then on the runs count, and this
    # week is the last 7 days (3 to 9 December: 36 km; the run of 2 December is last week's).
    assert evaluation.weekly_run_km(patient_id=patient.pk, today=today) == (20, 22, 14, 36)


@time_machine.travel(datetime(2026, 12, 9, 12, tzinfo=CLINIC_TZ), tick=False)
def test_a_week_without_uploads_keeps_the_patients_answer(world):
    patient = world.home.patient_a
    program = one_drill_program(world.home)
    make_run(patient, date(2026, 11, 25), 10)
    CheckIn.objects.create(
        patient=patient, program=program, date=date(2026, 12, 8), pain_next_morning=0, run_km_week=9
    )
    weeks = evaluation.weekly_run_km(patient_id=patient.pk, today=date(2026, 12, 9))
    assert weeks == (10, 0, 9)  # 23 Nov: runs; 30 Nov: none uploaded, none answered; 7 Dec


def test_uploaded_runs_trigger_the_running_spike_hold(api, world):
    home = world.home
    api.force_login(home.patient_a.user)
    one_drill_program(home, changed_days_ago=20)
    today = home.clinic.today()
    # Weekly runs of 20, 20 then 30 km: up 50 % over two weeks, uploaded from the watch only.
    this_monday = today - timedelta(days=today.weekday())
    for weeks_back, km in ((2, 20), (1, 20)):
        make_run(home.patient_a, this_monday - timedelta(weeks=weeks_back), km)
    make_run(home.patient_a, today - timedelta(days=1), 30)
    log(api, home, 3, pain=1)
    check_in(api, home, 2)
    log(api, home, 2, pain=0)
    body = check_in(api, home, 1)
    assert body["changes"] == []
    flags = [f for f in current(home).flags if f["code"] == "load_spike"]
    assert flags and flags[0]["rule"] == "R-LOAD-1" and "30 km" in flags[0]["message"]


def test_the_patients_export_has_their_runs_and_self_tests(client, world, today):
    run = make_run(world.home.patient_a, today, 5)
    make_run(world.home.patient_b, today, 6)
    client.force_login(world.home.patient_a.user)
    data = client.get("/me/export/json/").json()
    assert [r["id"] for r in data["runs"]] == [run.pk]
    assert data["runs"][0]["distance_m"] == 5000 and data["self_tests"] == []


def test_the_demo_running_data_is_steady_and_seeded_once(world):
    patient = world.home.patient_a
    demo.seed_running(patient)
    demo.seed_running(patient)
    assert Run.objects.filter(patient=patient).count() in range(10, 14)
    assert patient.self_tests.count() == 5
    today = patient.clinic.today()
    weeks = evaluation.weekly_run_km(patient_id=patient.pk, today=today)
    assert max(weeks) <= 22.5  # never more than one demo week: no running spike
