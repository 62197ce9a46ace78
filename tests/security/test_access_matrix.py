"""Every URL pattern × every actor has a declared expected outcome, and gets it.

A new route without an entry in MATRIX fails `test_every_route_is_declared`, so access is
decided on purpose for each page and API operation.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.booking import feeds, waitlist
from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.booking.services import manage_token, request_token
from clinic.health import HEARTBEAT_KEY
from clinic.magic_links import make_token
from clinic.notifications.preferences import unsubscribe_token
from programs.models import Drill, ProgramChange
from programs.services import drill_media_add, program_build_from_screen
from tests.assessments.conftest import make_screen
from tests.factories import AppointmentTypeFactory, World, appointment, working_week
from tests.programs.test_drill_media import png_bytes
from tests.security.matrix import (
    ACTORS,
    AUDIT_ROUTES,
    DRILL_TEXT_ROUTES,
    MEDIA_ROUTES,
    QUESTIONNAIRE_ROUTES,
    REPORT_ROUTES,
    RUNS_ROUTES,
    WAITLIST_ROUTES,
    Route,
    api,
    outcome,
    page,
    public,
    staff_gets,
)

pytestmark = pytest.mark.django_db

SIGNED_IN = ACTORS[1:]
ADMIN = ("admin",)
CLINICAL = ("clinician", "admin")
PATIENTS = ("patient_a", "patient_b")


def all_routes() -> set[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return {r for r in walk(get_resolver().url_patterns) if not r.startswith("admin/")}


@dataclass
class Ctx:
    world: World
    appointment_type: object
    patient_token: str
    appointment: object
    manage_token: str
    request_token: str
    screen: object
    unsubscribe_token: str
    program: object
    item: object
    drill: object
    change: object
    waitlist_entry: object
    waitlist_token: str
    custom_drill: object
    medium: object

    @property
    def home(self):
        return self.world.home


def patient(ctx) -> int:
    return ctx.home.patient_a.pk


def feed_file_path(ctx) -> str:
    scope = feeds.feed_scope(user=ctx.home.clinician, clinician_param=None)
    feed, _ = feeds.calendar_feed_get_or_create(owner=ctx.home.clinician, scope=scope)
    return feeds.feed_path(feed)


MATRIX: dict[str, Route] = {
    # Sign-in, sign-out, health
    "": Route(lambda c: "/", page(roles=SIGNED_IN)),
    "login/": Route(lambda c: "/login/", outcome(302, anonymous=200)),
    "logout/": Route(lambda c: "/logout/", public(302), method="post"),
    "healthz/": Route(lambda c: "/healthz/", public(200)),
    "i18n/setlang/": Route(
        lambda c: "/i18n/setlang/",
        public(302),
        method="post",
        data=lambda c: {"language": "es", "next": "/book/"},
    ),
    "manifest.webmanifest": Route(lambda c: "/manifest.webmanifest", public(200)),
    "sw.js": Route(lambda c: "/sw.js", public(200)),
    "2fa/setup/": Route(lambda c: "/2fa/setup/", page()),
    "2fa/verify/": Route(lambda c: "/2fa/verify/", outcome(302, patient_a=403, patient_b=403)),
    "login/link/": Route(lambda c: "/login/link/", public(200)),
    # patient_a is signed in by the test itself, which uses their link up (single use).
    "login/link/<str:token>/": Route(
        lambda c: f"/login/link/{c.patient_token}/", outcome(200, patient_a=400)
    ),
    "password/change/": Route(lambda c: "/password/change/", page(roles=SIGNED_IN)),
    "password/change/done/": Route(lambda c: "/password/change/done/", page(roles=SIGNED_IN)),
    "password/reset/": Route(lambda c: "/password/reset/", public(200)),
    "password/reset/sent/": Route(lambda c: "/password/reset/sent/", public(200)),
    "password/reset/<uidb64>/<token>/": Route(
        lambda c: "/password/reset/MQ/not-a-token/", public(200)
    ),
    "password/reset/complete/": Route(lambda c: "/password/reset/complete/", public(200)),
    # Patients
    "patients/": Route(lambda c: "/patients/", page()),
    "patients/new/": Route(lambda c: "/patients/new/", page()),
    "patients/<int:pk>/": Route(lambda c: f"/patients/{patient(c)}/", page(other=404)),
    "patients/<int:pk>/edit/": Route(lambda c: f"/patients/{patient(c)}/edit/", page(other=404)),
    "patients/<int:pk>/invite/": Route(
        lambda c: f"/patients/{patient(c)}/invite/",
        staff_gets(page(other=404), 302),
        method="post",
    ),
    # Clinic set-up (clinic admins)
    "settings/clinic/": Route(lambda c: "/settings/clinic/", page(roles=ADMIN)),
    "settings/staff/": Route(lambda c: "/settings/staff/", page(roles=ADMIN)),
    "settings/staff/<int:pk>/": Route(
        lambda c: f"/settings/staff/{c.home.clinician.membership.pk}/", page(roles=ADMIN, other=404)
    ),
    "settings/staff/<int:user_id>/hours/": Route(
        lambda c: f"/settings/staff/{c.home.clinician.pk}/hours/", page(roles=ADMIN, other=404)
    ),
    "settings/appointment-types/": Route(
        lambda c: "/settings/appointment-types/", page(roles=ADMIN)
    ),
    "settings/appointment-types/new/": Route(
        lambda c: "/settings/appointment-types/new/", page(roles=ADMIN)
    ),
    "settings/appointment-types/<int:pk>/": Route(
        lambda c: f"/settings/appointment-types/{c.appointment_type.pk}/",
        page(roles=ADMIN, other=404),
    ),
    # API: authentication, patients, me, schema
    "api/v1/auth/token/": Route(lambda c: "/api/v1/auth/token/", public(400), method="post"),
    # Token sign-out takes the token itself: a browser session is not enough.
    "api/v1/auth/logout/": Route(lambda c: "/api/v1/auth/logout/", public(401), method="post"),
    "api/v1/me/": Route(lambda c: "/api/v1/me/", api(roles=PATIENTS, other=None)),
    # The matrix program is a draft: no patient has a current program, so patients get 404.
    "api/v1/me/program/": Route(
        lambda c: "/api/v1/me/program/", api(roles=PATIENTS, other=None, ok=404)
    ),
    "api/v1/me/sessions/": Route(
        lambda c: "/api/v1/me/sessions/",
        api(roles=PATIENTS, other=None, ok=400),
        method="post",
    ),
    "api/v1/me/checkins/": Route(
        lambda c: "/api/v1/me/checkins/",
        api(roles=PATIENTS, other=None, ok=400),
        method="post",
    ),
    "api/v1/me/red-flags/": Route(
        lambda c: "/api/v1/me/red-flags/",
        api(roles=PATIENTS, other=None, ok=400),
        method="post",
    ),
    "api/v1/^patients/$": Route(lambda c: "/api/v1/patients/", api()),
    "api/v1/^patients/(?P<pk>[^/.]+)/$": Route(
        lambda c: f"/api/v1/patients/{patient(c)}/", api(other=404)
    ),
    # Assessments: screens are clinical (front desk and patients are kept out of the pages)
    "patients/<int:patient_pk>/screens/": Route(
        lambda c: f"/patients/{patient(c)}/screens/", page(roles=CLINICAL, other=404)
    ),
    "patients/<int:patient_pk>/screens/new/": Route(
        lambda c: f"/patients/{patient(c)}/screens/new/", page(roles=CLINICAL, other=404)
    ),
    "screens/<int:pk>/": Route(
        lambda c: f"/screens/{c.screen.pk}/", page(roles=CLINICAL, other=404)
    ),
    "screens/<int:pk>/edit/": Route(
        lambda c: f"/screens/{c.screen.pk}/edit/", page(roles=CLINICAL, other=404)
    ),
    "settings/thresholds/": Route(lambda c: "/settings/thresholds/", page(roles=ADMIN)),
    "api/v1/^screens/$": Route(
        lambda c: "/api/v1/screens/", api(roles=(*CLINICAL, *PATIENTS), other=200)
    ),
    "api/v1/^screens/(?P<pk>[^/.]+)/$": Route(
        lambda c: f"/api/v1/screens/{c.screen.pk}/",
        {**api(roles=(*CLINICAL, *PATIENTS), other=404), "patient_b": 404},
    ),
    # Booking: the front-desk calendar
    "calendar/": Route(lambda c: "/calendar/", page()),
    "calendar/week/": Route(lambda c: "/calendar/week/", page()),
    "calendar/book/": Route(lambda c: "/calendar/book/", page()),
    "calendar/slots/": Route(lambda c: "/calendar/slots/", page()),
    "calendar/patients/": Route(lambda c: "/calendar/patients/?q=Ada", page()),
    "calendar/appointments/<int:pk>/request/": Route(
        lambda c: f"/calendar/appointments/{c.appointment.pk}/request/",
        staff_gets(page(other=404), 400),  # no action, and no online booking to confirm
        method="post",
    ),
    "calendar/time-off/": Route(lambda c: "/calendar/time-off/", page()),
    "calendar/settings/": Route(lambda c: "/calendar/settings/", page(roles=ADMIN)),
    "calendar/feed/": Route(lambda c: "/calendar/feed/", page()),
    # Every staff member's first GET makes their own feed; patients have none.
    "api/v1/calendar-feed/": Route(lambda c: "/api/v1/calendar-feed/", api(ok=201)),
    # The feed file: its URL is the credential, so anyone holding it gets the .ics.
    r"api/v1/^calendar-feed/(?P<feed_id>[0-9]{1,18})-(?P<token>[0-9a-f]{64})\.ics$": Route(
        lambda c: feed_file_path(c), public(200)
    ),
    "calendar/series-preview/": Route(lambda c: "/calendar/series-preview/", page()),
    "calendar/appointments/<int:pk>/": Route(
        lambda c: f"/calendar/appointments/{c.appointment.pk}/", page(other=404)
    ),
    "calendar/appointments/<int:pk>/move/": Route(
        lambda c: f"/calendar/appointments/{c.appointment.pk}/move/",
        staff_gets(page(other=404), 400),  # an empty form is refused
        method="post",
    ),
    "calendar/appointments/<int:pk>/cancel/": Route(
        lambda c: f"/calendar/appointments/{c.appointment.pk}/cancel/",
        staff_gets(page(other=404), 400),  # an empty form is refused
        method="post",
    ),
    "calendar/appointments/<int:pk>/status/": Route(
        lambda c: f"/calendar/appointments/{c.appointment.pk}/status/",
        staff_gets(page(other=404), 400),  # an empty form is refused
        method="post",
    ),
    # Booking: the public pages, reached with a signed token
    "book/": Route(lambda c: "/book/?clinic=home", public(200)),
    "book/done/<str:token>/": Route(lambda c: f"/book/done/{c.manage_token}/", public(200)),
    "book/manage/<str:token>/": Route(lambda c: f"/book/manage/{c.manage_token}/", public(200)),
    # The e-mailed link of an online booking made with a known patient's address
    "book/confirm/<str:token>/": Route(lambda c: f"/book/confirm/{c.request_token}/", public(200)),
    # Booking API
    "api/v1/public/appointment-types/": Route(
        lambda c: "/api/v1/public/appointment-types/?clinic=home", public(200)
    ),
    "api/v1/public/availability/": Route(lambda c: "/api/v1/public/availability/", public(400)),
    "api/v1/public/bookings/": Route(
        lambda c: "/api/v1/public/bookings/?clinic=home", public(400), method="post"
    ),
    "api/v1/^appointments/$": Route(lambda c: "/api/v1/appointments/", api()),
    # A repeating booking; an empty body is a 400 for the clinic's staff (their own clinic)
    "api/v1/^appointments/series/$": Route(
        lambda c: "/api/v1/appointments/series/",
        outcome(400, anonymous=401, patient_a=403, patient_b=403),
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/cancel-series/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/cancel-series/",
        staff_gets(api(other=404), 400),  # a single appointment is no series
        method="post",
        data=lambda c: {"reason": "Access matrix check"},
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/reschedule-series/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/reschedule-series/",
        staff_gets(api(other=404), 400),  # no start given
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/", api(other=404)
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/arrived/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/arrived/",
        staff_gets(api(other=404), 400),  # not before the appointment's day
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/no-show/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/no-show/",
        staff_gets(api(other=404), 400),  # the appointment has not started yet
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/confirm/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/confirm/",
        staff_gets(api(other=404), 400),  # a plain appointment is no request to confirm
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/reject/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/reject/",
        staff_gets(api(other=404), 400),
        method="post",
    ),
    "api/v1/^appointments/(?P<pk>[^/.]+)/cancel/$": Route(
        lambda c: f"/api/v1/appointments/{c.appointment.pk}/cancel/",
        api(other=404),
        method="post",
        data=lambda c: {"reason": "Access matrix check"},
    ),
    # Programs: clinicians and admins build, edit and publish; front desk never sees them
    "programs/": Route(lambda c: "/programs/", page(roles=CLINICAL)),
    "screens/<int:screen_pk>/program/": Route(
        lambda c: f"/screens/{c.screen.pk}/program/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/": Route(
        lambda c: f"/programs/{c.program.pk}/", page(roles=CLINICAL, other=404)
    ),
    "programs/<int:pk>/print/": Route(
        lambda c: f"/programs/{c.program.pk}/print/", page(roles=CLINICAL, other=404)
    ),
    "programs/<int:pk>/program.pdf": Route(
        lambda c: f"/programs/{c.program.pk}/program.pdf", page(roles=CLINICAL, other=404)
    ),
    # The matrix program is a draft: no patient has a current program to print, so they get 404.
    "me/program/print/": Route(
        lambda c: "/me/program/print/",
        {**page(roles=PATIENTS, other=None), "patient_a": 404, "patient_b": 404},
    ),
    "me/program.pdf": Route(
        lambda c: "/me/program.pdf",
        {**page(roles=PATIENTS, other=None), "patient_a": 404, "patient_b": 404},
    ),
    "programs/<int:pk>/history/": Route(
        lambda c: f"/programs/{c.program.pk}/history/", page(roles=CLINICAL, other=404)
    ),
    "programs/<int:pk>/note/": Route(
        lambda c: f"/programs/{c.program.pk}/note/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/publish/": Route(
        lambda c: f"/programs/{c.program.pk}/publish/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/items/add/": Route(
        lambda c: f"/programs/{c.program.pk}/items/add/",
        staff_gets(page(roles=CLINICAL, other=404), 302),  # back to the draft, with a message
        method="post",
    ),
    "programs/<int:pk>/items/<int:item_pk>/remove/": Route(
        lambda c: f"/programs/{c.program.pk}/items/{c.item.pk}/remove/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/items/<int:item_pk>/dose/": Route(
        lambda c: f"/programs/{c.program.pk}/items/{c.item.pk}/dose/",
        staff_gets(page(roles=CLINICAL, other=404), 400),  # the empty dose, back on the draft
        method="post",
    ),
    "programs/<int:pk>/items/<int:item_pk>/move/": Route(
        lambda c: f"/programs/{c.program.pk}/items/{c.item.pk}/move/",
        staff_gets(page(roles=CLINICAL, other=404), 302),  # back to the draft, with a message
        method="post",
    ),
    # Progression review: the worklist is the clinic's own; a change or program of ours is 404
    # to the other clinic. POSTs come back to the worklist with a message.
    "worklist/": Route(lambda c: "/worklist/", page(roles=CLINICAL)),
    "programs/changes/<int:pk>/accept/": Route(
        lambda c: f"/programs/changes/{c.change.pk}/accept/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/changes/accept/": Route(
        lambda c: f"/programs/{c.program.pk}/changes/accept/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/changes/<int:pk>/undo/": Route(
        lambda c: f"/programs/changes/{c.change.pk}/undo/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "programs/<int:pk>/items/<int:item_pk>/override/": Route(
        lambda c: f"/programs/{c.program.pk}/items/{c.item.pk}/override/",
        page(roles=CLINICAL, other=404),
    ),
    "programs/<int:pk>/resume/": Route(
        lambda c: f"/programs/{c.program.pk}/resume/", page(roles=CLINICAL, other=404)
    ),
    "programs/<int:pk>/evaluate/": Route(
        lambda c: f"/programs/{c.program.pk}/evaluate/",
        staff_gets(page(roles=CLINICAL, other=404), 302),
        method="post",
    ),
    "api/v1/^drills/$": Route(lambda c: "/api/v1/drills/", api()),
    "api/v1/^drills/(?P<pk>[^/.]+)/$": Route(lambda c: f"/api/v1/drills/{c.drill.pk}/", api()),
    "api/v1/^drills/(?P<pk>[^/.]+)/hide/$": Route(
        lambda c: f"/api/v1/drills/{c.drill.pk}/hide/", api(roles=CLINICAL, ok=204), method="post"
    ),
    "api/v1/^drills/(?P<pk>[^/.]+)/unhide/$": Route(
        lambda c: f"/api/v1/drills/{c.drill.pk}/unhide/",
        api(roles=CLINICAL, ok=204),
        method="post",
    ),
    "api/v1/^programs/$": Route(lambda c: "/api/v1/programs/", api(roles=CLINICAL)),
    "api/v1/^programs/(?P<pk>[^/.]+)/$": Route(
        lambda c: f"/api/v1/programs/{c.program.pk}/", api(roles=CLINICAL, other=404)
    ),
    "api/v1/^programs/(?P<pk>[^/.]+)/history/$": Route(
        lambda c: f"/api/v1/programs/{c.program.pk}/history/", api(roles=CLINICAL, other=404)
    ),
    # The matrix program is a draft: evaluating it is a 409 for those allowed.
    "api/v1/^programs/(?P<pk>[^/.]+)/evaluate/$": Route(
        lambda c: f"/api/v1/programs/{c.program.pk}/evaluate/",
        api(roles=CLINICAL, other=404, ok=409),
        method="post",
    ),
    "api/v1/^programs/(?P<pk>[^/.]+)/accept-changes/$": Route(
        lambda c: f"/api/v1/programs/{c.program.pk}/accept-changes/",
        api(roles=CLINICAL, other=404),
        method="post",
    ),
    "api/v1/^programs/(?P<pk>[^/.]+)/publish/$": Route(
        lambda c: f"/api/v1/programs/{c.program.pk}/publish/",
        api(roles=CLINICAL, other=404),
        method="post",
    ),
    # Notifications: staff see what was sent; the unsubscribe link is public and signed
    "notifications/": Route(lambda c: "/notifications/", page()),
    "notifications/patients/<int:pk>/": Route(
        lambda c: f"/notifications/patients/{patient(c)}/", page(other=404)
    ),
    # Message settings: the patient's own page; front desk and admins record a patient's choices
    "notifications/preferences/": Route(
        lambda c: "/notifications/preferences/", page(roles=PATIENTS, other=None)
    ),
    "notifications/patients/<int:pk>/preferences/": Route(
        lambda c: f"/notifications/patients/{patient(c)}/preferences/",
        page(roles=("frontdesk", "admin"), other=404),
    ),
    "notifications/settings/": Route(lambda c: "/notifications/settings/", page(roles=ADMIN)),
    "notifications/unsubscribe/<str:token>/": Route(
        lambda c: f"/notifications/unsubscribe/{c.unsubscribe_token}/", public(200)
    ),
    "api/schema/": Route(lambda c: "/api/schema/", public(200)),
    "api/docs/": Route(lambda c: "/api/docs/", public(200)),
}
MATRIX.update(AUDIT_ROUTES)
MATRIX.update(WAITLIST_ROUTES)
MATRIX.update(MEDIA_ROUTES)
MATRIX.update(DRILL_TEXT_ROUTES)
MATRIX.update(QUESTIONNAIRE_ROUTES)
MATRIX.update(RUNS_ROUTES)
MATRIX.update(REPORT_ROUTES)


@pytest.fixture
def ctx(world, settings, tmp_path) -> Ctx:
    home = world.home
    settings.MEDIA_ROOT = str(tmp_path)
    custom_drill = Drill.objects.create(
        clinic=home.clinic, slug="matrix_drill", name="Matrix drill", category="mobility"
    )
    medium = drill_media_add(
        user=home.admin,
        clinic=home.clinic,
        drill=custom_drill,
        kind="image",
        upload=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        alt="A matrix picture",
    )
    kind = AppointmentTypeFactory(clinic=home.clinic)
    working_week(home.clinic, home.clinician)
    visit = appointment(
        clinic=home.clinic,
        patient=home.patient_a,
        clinician=home.clinician,
        kind=kind,
        day=timezone.localdate(timezone=home.clinic.tz) + timedelta(days=14),
        hour=10,
    )
    held_start = visit.start + timedelta(hours=3)
    held = Appointment.objects.create(
        clinic=home.clinic,
        patient=None,
        status=AppointmentStatus.PENDING,
        clinician=home.clinician,
        appointment_type=kind,
        start=held_start,
        end=held_start + timedelta(minutes=kind.duration_minutes),
    )
    waiting = BookingRequest.objects.create(
        clinic=home.clinic,
        appointment=held,
        patient=home.patient_a,
        name="Someone",
        email=home.patient_a.email,
        expires_at=timezone.now() + timedelta(hours=24),
    )
    screen = make_screen(home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    program = program_build_from_screen(user=home.clinician, screen=screen)
    item = program.items.first()
    change = ProgramChange.objects.create(
        program=program,
        version=program.version,
        source="progression",
        action="progressed",
        drill=item.drill.slug,
        detail={"lineage": str(item.lineage), "rule": "T-UP"},
        reason="A change for the matrix.",
    )
    # Someone waiting, offered a free weekday afternoon (the clinician works Monday to Friday).
    offered_day = timezone.localdate(timezone=home.clinic.tz) + timedelta(days=7)
    offered_day += timedelta(days=(7 - offered_day.weekday()) % 7)
    offered_start = datetime.combine(offered_day, time(15), tzinfo=home.clinic.tz)
    entry = WaitlistEntry.objects.create(
        clinic=home.clinic,
        appointment_type=kind,
        earliest=offered_start - timedelta(days=1),
        latest=offered_start + timedelta(days=1),
        name="Someone Waiting",
        email="waiting@example.test",
        patient=home.patient_a,
        status="offered",
    )
    offer = WaitlistOffer.objects.create(
        clinic=home.clinic, entry=entry, clinician=home.clinician, start=offered_start
    )
    # A scheduler that beats, so /healthz/ is healthy wherever the suite runs (with Redis too).
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), None)
    return Ctx(
        world=world,
        program=program,
        item=item,
        change=change,
        drill=Drill.objects.filter(clinic=None).first(),
        custom_drill=custom_drill,
        medium=medium,
        appointment_type=kind,
        patient_token=make_token(home.patient_a.user),
        appointment=visit,
        manage_token=manage_token(visit),
        request_token=request_token(waiting),
        screen=screen,
        unsubscribe_token=unsubscribe_token(patient=home.patient_a, channel="email"),
        waitlist_entry=entry,
        waitlist_token=waitlist.offer_token(offer),
    )


def actor_user(world: World, actor: str):
    return {
        "anonymous": None,
        "patient_a": world.home.patient_a.user,
        "patient_b": world.home.patient_b.user,
        "frontdesk": world.home.frontdesk,
        "clinician": world.home.clinician,
        "admin": world.home.admin,
        "other_admin": world.other.admin,
        "other_clinician": world.other.clinician,
    }[actor]


def test_every_route_is_declared():
    routes = all_routes()
    assert sorted(routes - MATRIX.keys()) == [], "routes without an access-matrix entry"
    assert sorted(MATRIX.keys() - routes) == [], "matrix entries for routes that do not exist"


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_the_declared_outcome(ctx, route, actor):
    entry = MATRIX[route]
    client = APIClient()
    user = actor_user(ctx.world, actor)
    if user is not None:
        client.force_login(user)
    response = getattr(client, entry.method)(entry.url(ctx), entry.data(ctx), format="json")
    assert response.status_code == entry.expect[actor], (
        f"{entry.method.upper()} {entry.url(ctx)} as {actor}"
    )
