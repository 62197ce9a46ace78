"""The load data set: many clinics, patients, screens, programs, logs, appointments, messages.

Deterministic: the same scale on an empty database gives the same rows. At scale 1 it holds
20 clinics, 200 clinicians, 50,000 patients, 150,000 screens, 50,000 programs, 2,000,000
logged session items, 300,000 appointments and 1,000,000 notifications. Smaller scales (tests,
the benchmark's small run) use the same code. Clinics are "load-01", "load-02", ...
"""

from __future__ import annotations

import math
import random
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments.models import Screen
from clinic.booking.models import Appointment, AppointmentType, WorkingHours
from clinic.models import Clinic, Patient, Role, StaffMembership, User
from clinic.notifications.models import Channel, Kind, Notification
from programs.models import Drill, Program, ProgramItem, SessionItemLog, SessionLog

from .bulk import analyze, insert, next_id

PASSWORD = "bench-load-password"
SLUG_PREFIX = "load-"
EMAIL_DOMAIN = "load.example"
# Program sizes cycle over each clinic's patients: every clinic has programs of 1, 8, 20 items.
PROGRAM_SIZES = (1, 8, 20, 4, 6, 8, 10, 12, 8, 6)
SCREENS_PER_PATIENT = 3
ITEM_LOGS_PER_PROGRAM = 40
NOTIFICATIONS_PER_PATIENT = 20
# Appointment starts each working day (clinic local time); 12:00 and after 16:00 stay free.
SLOT_HOURS = (8, 9, 10, 11, 13, 14, 15)
TYPES = (
    # slug, name, minutes, buffer, public
    ("assessment", "Running assessment", 45, 15, True),
    ("follow-up", "Follow-up", 30, 0, True),
)
TIME_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
FIRST = ("Ava", "Ben", "Chloe", "Dev", "Ella", "Finn", "Gia", "Hugo", "Isla", "Jack", "Kira")
LAST = ("Adams", "Brown", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hill", "Ito", "Jones")
NOTIFY_KINDS = (Kind.APPOINTMENT_REMINDER, Kind.PROGRAM_REMINDER, Kind.CHECKIN_PROMPT)


@dataclass(frozen=True)
class Sizes:
    clinics: int
    clinicians: int
    patients: int
    screens: int
    programs: int
    item_logs: int
    appointments: int
    notifications: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        clinics = max(2, round(20 * scale))
        patients = max(20, round(50_000 * scale))
        return cls(
            clinics=clinics,
            clinicians=max(2 * clinics, round(200 * scale)),
            patients=patients,
            screens=SCREENS_PER_PATIENT * patients,
            programs=patients,
            item_logs=ITEM_LOGS_PER_PROGRAM * patients,
            appointments=max(20, round(300_000 * scale)),
            notifications=NOTIFICATIONS_PER_PATIENT * patients,
        )


def already_seeded() -> bool:
    return Clinic.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def _weekdays(first: date, count: int) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class _Loader:
    def __init__(self, sizes: Sizes, today: date, log):
        self.s = sizes
        self.today = today
        self.now = datetime.combine(today, time(12), tzinfo=UTC)
        self.log = log
        self.rng = random.Random(20261123)
        self.counts: dict[str, int] = {}

    def _insert(self, label, model, fields, rows) -> None:
        started = clock.perf_counter()
        n = insert(model, fields, rows)
        self.counts[label] = self.counts.get(label, 0) + n
        self.log(f"  {label}: {n:,} rows in {clock.perf_counter() - started:.1f} s")

    # ---------------------------------------------------------------- people and clinics
    def clinics(self) -> None:
        s = self.s
        self.clinic0 = next_id(Clinic)
        self.clinic_tz = [ZoneInfo(TIME_ZONES[c % len(TIME_ZONES)]) for c in range(s.clinics)]
        self._insert(
            "clinics",
            Clinic,
            ["id", "name", "slug", "time_zone", "phone", "email"],
            (
                (
                    self.clinic0 + c,
                    f"Load Clinic {c + 1:02d}",
                    f"{SLUG_PREFIX}{c + 1:02d}",
                    TIME_ZONES[c % len(TIME_ZONES)],
                    f"+1410555{c:04d}",
                    f"clinic{c + 1:02d}@{EMAIL_DOMAIN}",
                )
                for c in range(s.clinics)
            ),
        )

    def users(self) -> None:
        """Users: per clinic an admin and a front desk, the clinicians, then one per patient."""
        s = self.s
        password = make_password(PASSWORD)
        self.user0 = next_id(User)
        self.admin_id = [self.user0 + c for c in range(s.clinics)]
        self.desk_id = [self.user0 + s.clinics + c for c in range(s.clinics)]
        self.clinician0 = self.user0 + 2 * s.clinics
        self.patient_user0 = self.clinician0 + s.clinicians
        joined = self.now - timedelta(days=400)

        def rows():
            for c in range(s.clinics):
                yield (self.admin_id[c], f"admin{c + 1:02d}@{EMAIL_DOMAIN}", f"Admin {c + 1}")
            for c in range(s.clinics):
                yield (self.desk_id[c], f"desk{c + 1:02d}@{EMAIL_DOMAIN}", f"Desk {c + 1}")
            for j in range(s.clinicians):
                yield (
                    self.clinician0 + j,
                    f"clinician{j:04d}@{EMAIL_DOMAIN}",
                    f"Dr {LAST[j % 10]} {j}",
                )
            for i in range(s.patients):
                yield (self.patient_user0 + i, self._patient_email(i), self._patient_name(i))

        self._insert(
            "users",
            User,
            ["id", "email", "full_name", "password", "date_joined"],
            ((*row, password, joined) for row in rows()),
        )
        member0 = next_id(StaffMembership)
        memberships = [
            *((self.admin_id[c], c, Role.CLINIC_ADMIN, "") for c in range(s.clinics)),
            *((self.desk_id[c], c, Role.FRONT_DESK, "") for c in range(s.clinics)),
            *(
                (self.clinician0 + j, j % s.clinics, Role.CLINICIAN, "PT")
                for j in range(s.clinicians)
            ),
        ]
        self._insert(
            "staff memberships",
            StaffMembership,
            ["id", "user_id", "clinic_id", "role", "title"],
            (
                (member0 + n, user, self.clinic0 + c, role, title)
                for n, (user, c, role, title) in enumerate(memberships)
            ),
        )

    def _patient_email(self, i: int) -> str:
        return f"patient{i:06d}@{EMAIL_DOMAIN}"

    def _patient_name(self, i: int) -> str:
        return f"{FIRST[i % 11]} {LAST[(i // 11) % 10]}{i}"

    def _clinician_of(self, i: int) -> int:
        """A clinician of patient i's clinic (clinicians j with j % clinics == clinic)."""
        c = i % self.s.clinics
        per_clinic = len(range(c, self.s.clinicians, self.s.clinics))
        return self.clinician0 + c + self.s.clinics * ((i // self.s.clinics) % per_clinic)

    def patients(self) -> None:
        s = self.s
        self.patient0 = next_id(Patient)
        self._insert(
            "patients",
            Patient,
            [
                "id",
                "clinic_id",
                "user_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "sex",
                "email",
                "phone",
            ],
            (
                (
                    self.patient0 + i,
                    self.clinic0 + i % s.clinics,
                    self.patient_user0 + i,
                    FIRST[i % 11],
                    f"{LAST[(i // 11) % 10]}{i}",
                    date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    ("female", "male", "other")[i % 3],
                    self._patient_email(i),
                    f"+1410{555 + i // 10000:03d}{i % 10000:04d}",  # E.164, as stored
                )
                for i in range(s.patients)
            ),
        )

    # ---------------------------------------------------------------- screens and programs
    def screens(self) -> None:
        s = self.s
        self.screen0 = next_id(Screen)
        rng = self.rng

        def rows():
            for i in range(s.patients):
                for k in range(SCREENS_PER_PATIENT):
                    # k = 0 is the latest screen; the program is built from it.
                    day = self.today - timedelta(days=i % 60 + 45 * k)
                    clinician = self._clinician_of(i)
                    stamp = datetime.combine(day, time(15), tzinfo=UTC)
                    yield (
                        self.screen0 + i * SCREENS_PER_PATIENT + k,
                        self.clinic0 + i % s.clinics,
                        self.patient0 + i,
                        day,
                        rng.randint(0, 6),
                        Decimal(f"{rng.randint(40, 140) / 10:.1f}"),
                        Decimal(f"{rng.randint(40, 140) / 10:.1f}"),
                        rng.randint(5, 35),
                        rng.randint(5, 35),
                        rng.randint(155, 185),
                        rng.random() < 0.3,
                        clinician,
                        clinician,
                        stamp,
                        stamp,
                    )

        self._insert(
            "screens",
            Screen,
            [
                "id",
                "clinic_id",
                "patient_id",
                "performed_on",
                "pain_nprs",
                "knee_to_wall_cm_left",
                "knee_to_wall_cm_right",
                "heel_raise_reps_left",
                "heel_raise_reps_right",
                "cadence_spm",
                "overstride",
                "created_by_id",
                "updated_by_id",
                "created_at",
                "updated_at",
            ],
            rows(),
        )

    def programs(self) -> None:
        s = self.s
        drills = list(
            Drill.objects.filter(clinic=None, prescribable=True, is_active=True)
            .order_by("slug")
            .values_list("id", "default_sets", "default_reps", "default_hold_s")
        )
        if len(drills) < max(PROGRAM_SIZES):
            raise RuntimeError("The drill library is missing: run the migrations first.")
        self.program0 = next_id(Program)
        self.item0 = next_id(ProgramItem)
        self.item_ids: list[range] = []
        published = self.now - timedelta(days=30)

        def program_rows():
            for i in range(s.programs):
                clinician = self._clinician_of(i)
                yield (
                    self.program0 + i,
                    self.clinic0 + i % s.clinics,
                    self.patient0 + i,
                    self.screen0 + i * SCREENS_PER_PATIENT,
                    "published",
                    1,
                    clinician,
                    clinician,
                    published,
                )

        self._insert(
            "programs",
            Program,
            [
                "id",
                "clinic_id",
                "patient_id",
                "screen_id",
                "status",
                "version",
                "created_by_id",
                "published_by_id",
                "published_at",
            ],
            program_rows(),
        )

        def item_rows():
            item = self.item0
            for i in range(s.programs):
                size = PROGRAM_SIZES[(i // s.clinics) % len(PROGRAM_SIZES)]
                self.item_ids.append(range(item, item + size))
                offset = (i * 7) % len(drills)
                for order in range(size):
                    drill, sets, reps, hold = drills[(offset + order) % len(drills)]
                    if reps is None and hold is None:
                        reps = 10
                    yield (
                        item,
                        self.program0 + i,
                        drill,
                        ("left", "right", "both")[order % 3],
                        min(max(sets or 2, 1), 10),
                        reps,
                        hold,
                        order,
                        "Seeded for the load benchmark.",
                    )
                    item += 1

        self._insert(
            "program items",
            ProgramItem,
            ["id", "program_id", "drill_id", "side", "sets", "reps", "hold_s", "order", "reason"],
            item_rows(),
        )

    def sessions(self) -> None:
        """Each program gets ITEM_LOGS_PER_PROGRAM item logs over sessions every other day."""
        s = self.s
        session0 = next_id(SessionLog)
        plan = []  # (session id, program index, day, item ids)
        session = session0
        for i in range(s.programs):
            items = self.item_ids[i]
            remaining = ITEM_LOGS_PER_PROGRAM
            for k in range(math.ceil(ITEM_LOGS_PER_PROGRAM / len(items))):
                take = min(len(items), remaining)
                plan.append((session, i, self.today - timedelta(days=2 * k + 1), items[:take]))
                remaining -= take
                session += 1
        self._insert(
            "session logs",
            SessionLog,
            ["id", "patient_id", "program_id", "date"],
            ((sid, self.patient0 + i, self.program0 + i, day) for sid, i, day, _ in plan),
        )
        rng = self.rng
        log0 = next_id(SessionItemLog)

        def rows():
            n = log0
            for sid, _, _, items in plan:
                for item in items:
                    yield (n, sid, item, rng.randint(1, 3), rng.randint(0, 4), rng.randint(3, 8))
                    n += 1

        self._insert(
            "session item logs",
            SessionItemLog,
            ["id", "session_id", "program_item_id", "completed_sets", "pain_during", "difficulty"],
            rows(),
        )

    # ---------------------------------------------------------------- booking
    def booking(self) -> None:
        s = self.s
        type0 = next_id(AppointmentType)
        self.type_id = {}
        rows = []
        for c in range(s.clinics):
            for t, (slug, name, minutes, buffer, public) in enumerate(TYPES):
                self.type_id[c, t] = type0 + c * len(TYPES) + t
                rows.append(
                    (self.type_id[c, t], self.clinic0 + c, name, slug, minutes, buffer, public)
                )
        self._insert(
            "appointment types",
            AppointmentType,
            ["id", "clinic_id", "name", "slug", "duration_minutes", "buffer_minutes", "is_public"],
            rows,
        )
        through = AppointmentType.clinicians.through
        link0 = next_id(through)
        links = [
            (self.type_id[j % s.clinics, t], self.clinician0 + j)
            for j in range(s.clinicians)
            for t in range(len(TYPES))
        ]
        self._insert(
            "type clinicians",
            through,
            ["id", "appointmenttype_id", "user_id"],
            ((link0 + n, *link) for n, link in enumerate(links)),
        )
        hours0 = next_id(WorkingHours)
        self._insert(
            "working hours",
            WorkingHours,
            ["id", "clinic_id", "clinician_id", "weekday", "start_time", "end_time"],
            (
                (
                    hours0 + j * 5 + day,
                    self.clinic0 + j % s.clinics,
                    self.clinician0 + j,
                    day,
                    time(8),
                    time(18),
                )
                for j in range(s.clinicians)
                for day in range(5)
            ),
        )
        self._appointments()

    def _appointments(self) -> None:
        """Each clinician's appointments fill SLOT_HOURS on consecutive working days, about
        four fifths in the past and at least a week ahead; one clinician's appointments never
        overlap."""
        s = self.s
        per = [len(range(j, s.appointments, s.clinicians)) for j in range(s.clinicians)]
        days_needed = math.ceil(max(per) / len(SLOT_HOURS))
        monday = self.today - timedelta(days=self.today.weekday())
        weeks = math.ceil(days_needed / 5)
        first = monday - timedelta(weeks=max(0, weeks - max(1, math.ceil(weeks * 0.2))))
        days = _weekdays(first, days_needed)
        patients_of = [list(range(c, s.patients, s.clinics)) for c in range(s.clinics)]
        appointment0 = next_id(Appointment)
        now = timezone.now()

        def rows():
            n = appointment0
            for j in range(s.clinicians):
                c = j % s.clinics
                tz = self.clinic_tz[c]
                mine = patients_of[c]
                for slot in range(per[j]):
                    day = days[slot // len(SLOT_HOURS)]
                    hour = SLOT_HOURS[slot % len(SLOT_HOURS)]
                    t = slot % len(TYPES)
                    _, _, minutes, buffer, _ = TYPES[t]
                    start = datetime.combine(day, time(hour), tzinfo=tz)
                    end = start + timedelta(minutes=minutes)
                    if start > now:
                        status = "booked"
                    else:
                        status = ("arrived", "arrived", "arrived", "no_show", "cancelled")[slot % 5]
                    yield (
                        n,
                        self.clinic0 + c,
                        self.patient0 + mine[(j * 31 + slot) % len(mine)],
                        self.clinician0 + j,
                        self.type_id[c, t],
                        start,
                        end,
                        end + timedelta(minutes=buffer),
                        status,
                        self.desk_id[c],
                    )
                    n += 1

        self._insert(
            "appointments",
            Appointment,
            [
                "id",
                "clinic_id",
                "patient_id",
                "clinician_id",
                "appointment_type_id",
                "start",
                "end",
                "busy_until",
                "status",
                "booked_by_id",
            ],
            rows(),
        )

    # ---------------------------------------------------------------- notifications
    def notifications(self) -> None:
        """Mostly sent messages of the past; every twentieth is pending, due next year, so
        the seed never makes work for a sweep."""
        s = self.s
        first = next_id(Notification)

        def rows():
            n = first
            for i in range(s.patients):
                for k in range(NOTIFICATIONS_PER_PATIENT):
                    pending = k == NOTIFICATIONS_PER_PATIENT - 1
                    due = self.now + (
                        timedelta(days=365 + i % 300) if pending else -timedelta(days=2 * k + 1)
                    )
                    yield (
                        n,
                        self.clinic0 + i % s.clinics,
                        self.patient0 + i,
                        Channel.SMS if k % 4 == 3 else Channel.EMAIL,
                        NOTIFY_KINDS[k % len(NOTIFY_KINDS)],
                        f"load:{i}:{k}",
                        due,
                        "pending" if pending else "sent",
                        0 if pending else 1,
                        None if pending else due,
                        f"load-{n}",
                    )
                    n += 1

        self._insert(
            "notifications",
            Notification,
            [
                "id",
                "clinic_id",
                "patient_id",
                "channel",
                "kind",
                "subject_ref",
                "due_at",
                "status",
                "attempts",
                "sent_at",
                "idempotency_key",
            ],
            rows(),
        )


def seed_load(*, scale: float = 1.0, today: date | None = None, log=lambda line: None) -> dict:
    """Build the load data set in one transaction; returns rows inserted per table."""
    if scale <= 0:
        raise ValueError("The scale must be positive.")
    sizes = Sizes.at(scale)
    # One day for clinics in several American zones: the first clinic's, which is the one the
    # benchmark scenario measures (the UTC date is tomorrow there every evening).
    first_zone = ZoneInfo(TIME_ZONES[0])
    loader = _Loader(sizes, today or timezone.localdate(timezone=first_zone), log)
    with transaction.atomic():
        loader.clinics()
        loader.users()
        loader.patients()
        loader.screens()
        loader.programs()
        loader.sessions()
        loader.booking()
        loader.notifications()
    analyze()
    return loader.counts
