"""What the HTTP benchmark requests, as whom, and how many SQL queries each request makes.

Runs inside Django against one seeded database (`manage.py bench_prepare`): picks the actors
of clinic "load-01", gives the staff a second factor with recovery codes for a real sign-in,
and counts each endpoint's queries with the test client, so a count can be compared between
the small and the large data set.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Screen
from clinic.models import Clinic, Role, StaffMembership, User
from programs.models import Program, ProgramStatus

from .seed import PASSWORD, SCREENS_PER_PATIENT, SLUG_PREFIX

CLINIC = f"{SLUG_PREFIX}01"
PROGRAM_SIZES = (1, 8, 20)
RECOVERY_CODES = 5
# Drafts are built for this many patients in turn, as many as the load generator's
# connections: a build locks its patient's row (versions must not collide), so eight
# connections building for one patient would measure that lock's queue, not a build, and in
# a clinic two clinicians rarely build for the same patient at the same moment.
BUILD_PATIENTS = 8

SCREEN_FORM = {
    "knee_to_wall_cm_left": "7.5",
    "knee_to_wall_cm_right": "11",
    "heel_raise_reps_left": "14",
    "heel_raise_reps_right": "25",
    "short_foot_left": "fail",
    "overstride": "true",
    "cadence_spm": "156",
    "signs": "toe_clawing",
    "injury_0_condition": "achilles_midportion",
    "injury_0_side": "left",
    "injury_0_status": "current",
}


@dataclass
class Endpoint:
    name: str
    path: str
    actor: str  # "anonymous" or a key of Plan.actors
    target: float | None  # minimum ratio to the bare view
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)
    # Paths sent in turn instead of `path` alone (the load generator's connections rotate).
    paths: list[str] = field(default_factory=list)


@dataclass
class Plan:
    actors: dict[str, dict]  # key -> {"email", "password", "codes": [...]} for staff
    endpoints: list[Endpoint]
    queries: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(
            actors=data["actors"],
            endpoints=[Endpoint(**e) for e in data["endpoints"]],
            queries=data.get("queries", {}),
        )


def _staff(clinic: Clinic, role: str) -> User:
    return (
        StaffMembership.objects.filter(clinic=clinic, role=role, is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
        .user
    )


def _recovery_codes(user: User) -> list[str]:
    """A confirmed authenticator (so two-factor applies) and fresh one-time recovery codes."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Bench authenticator", confirmed=True)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Bench recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _as_seeded(clinic: Clinic):
    """Patients of `clinic` whose records are as seed_load left them: one program and the
    seeded screens. The POST endpoints add a screen or a program version on each request, so
    after a few runs their patients have hundreds; a page read for one of them would measure
    that pile-up rather than a patient's page."""
    other_program = Program.objects.filter(patient=OuterRef("patient")).exclude(pk=OuterRef("pk"))
    extra_screens = (
        Screen.objects.filter(patient=OuterRef("patient"))
        .values("patient")
        .annotate(n=Count("pk"))
        .filter(n__gt=SCREENS_PER_PATIENT)
    )
    return (
        Program.objects.filter(clinic=clinic, status=ProgramStatus.PUBLISHED)
        .exclude(patient__user=None)
        .exclude(Exists(other_program))
        .exclude(Exists(extra_screens))
    )


def _write_target(clinic: Clinic, taken: set[int], offset: int):
    """A patient for a POST endpoint, never one whose pages are read: the lowest ids of the
    clinic's patients with a screen, so every run writes to the same one."""
    candidates = (
        Screen.objects.filter(clinic=clinic)
        .exclude(patient_id__in=taken)
        .order_by("patient_id")
        .values_list("patient_id", flat=True)
        .distinct()
    )
    ids = list(candidates[: offset + 1])
    return ids[offset] if len(ids) > offset else None


def build_plan() -> Plan:
    clinic = Clinic.objects.get(slug=CLINIC)
    actors: dict[str, dict] = {}
    patients = {}
    # The write targets are fixed first (the lowest ids), the readers chosen among the others.
    writers = [_write_target(clinic, set(), n) for n in range(1 + BUILD_PATIENTS)]
    taken = {pk for pk in writers if pk is not None}
    for size in PROGRAM_SIZES:
        sized = (
            _as_seeded(clinic)
            .annotate(n=Count("items"))
            .filter(n=size)
            .select_related("patient__user")
            .order_by("pk")
        )
        program = sized.exclude(patient_id__in=taken).first() or sized.first()
        patients[size] = program.patient
        actors[f"patient{size}"] = {"email": program.patient.user.email, "password": PASSWORD}
    clinician = _staff(clinic, Role.CLINICIAN)
    desk = _staff(clinic, Role.FRONT_DESK)
    for key, user in (("clinician", clinician), ("frontdesk", desk)):
        actors[key] = {"email": user.email, "password": PASSWORD, "codes": _recovery_codes(user)}
    screen = Screen.objects.filter(patient=patients[8]).order_by("-performed_on", "-pk").first()
    # Without spare patients (a very small data set) the writes go to the readers, as before.
    create_for = writers[0] or patients[20].pk
    build_from = [
        Screen.objects.filter(patient_id=pk).order_by("-performed_on", "-pk").first()
        for pk in writers[1:]
        if pk is not None
    ] or [screen]
    today = clinic.today()
    tomorrow = today + timedelta(days=1)
    while tomorrow.weekday() >= 5:
        tomorrow += timedelta(days=1)
    # Targets (issue 17): shares of the bare view measured seconds before, with p99 at most
    # 4 x p50 (bench.report.Row).
    endpoints = [Endpoint("bare view (ceiling)", "/bench/bare/", "anonymous", None)]
    for size in PROGRAM_SIZES:
        endpoints.append(
            Endpoint(
                f"patient home, {size} items", "/", f"patient{size}", 0.06 if size == 8 else None
            )
        )
    for size in PROGRAM_SIZES:
        endpoints.append(
            Endpoint(
                f"GET /api/v1/me/program/, {size} items",
                "/api/v1/me/program/",
                f"patient{size}",
                0.10 if size == 8 else None,
            )
        )
    endpoints += [
        Endpoint("clinician screen detail", f"/screens/{screen.pk}/", "clinician", 0.05),
        Endpoint(
            "screen create + findings (POST)",
            f"/patients/{create_for}/screens/new/",
            "clinician",
            0.03,
            method="POST",
            form={"performed_on": today.isoformat(), **SCREEN_FORM},
        ),
        Endpoint(
            "program build (POST)",
            f"/screens/{build_from[0].pk}/program/",
            "clinician",
            0.03,
            method="POST",
            paths=[f"/screens/{s.pk}/program/" for s in build_from],
        ),
        Endpoint(
            "front-desk week calendar",
            f"/calendar/week/?date={today.isoformat()}",
            "frontdesk",
            0.05,
        ),
        Endpoint(
            "public availability, one day and type",
            f"/api/v1/public/availability/?clinic={CLINIC}&type=assessment"
            f"&date={tomorrow.isoformat()}",
            "anonymous",
            0.05,
        ),
    ]
    return Plan(actors=actors, endpoints=endpoints)


def _client_for(actor: str, plan: Plan) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if actor == "anonymous":
        return client
    user = User.objects.get(email=plan.actors[actor]["email"])
    client.force_login(user)
    if "codes" in plan.actors[actor]:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user).first().persistent_id
        session.save()
    return client


_SAVEPOINT = re.compile(r"(^|;\s*)(RELEASE )?SAVEPOINT ")


def count_queries(plan: Plan) -> dict[str, int]:
    """SQL queries of each endpoint's second request (the first warms per-process caches)."""
    counts = {}
    for endpoint in plan.endpoints:
        client = _client_for(endpoint.actor, plan)
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                if endpoint.method == "POST":
                    response = client.post(endpoint.path, endpoint.form, secure=True)
                else:
                    response = client.get(endpoint.path, secure=True)
        if response.status_code >= 400:
            raise RuntimeError(f"{endpoint.name}: {endpoint.path} answered {response.status_code}")
        # Savepoints are left out: they appear only when the caller (a test) has opened a
        # transaction around the request; a served request makes none. (On PostgreSQL the
        # audit context is written ahead of a statement, in the same round trip.)
        counts[endpoint.name] = sum(
            not _SAVEPOINT.search(q["sql"]) for q in queries.captured_queries
        )
    return counts
