"""Routes under /api/v1/. Each app registers its viewsets here."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from assessments import api as assessments_api
from assessments import patient_api as assessments_patient_api
from clinic import api
from clinic.booking import api as booking_api
from programs import api as programs_api
from programs import patient_api as programs_patient_api
from programs import run_api as programs_run_api

router = SimpleRouter()
router.register("patients", api.PatientViewSet, basename="patient")
router.register("appointments", booking_api.AppointmentViewSet, basename="appointment")
router.register("screens", assessments_api.ScreenViewSet, basename="screen")
router.register("drills", programs_api.DrillViewSet, basename="drill")
router.register("programs", programs_api.ProgramViewSet, basename="program")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("auth/logout/", api.TokenLogoutView.as_view(), name="api_logout"),
    path("me/", api.MeView.as_view(), name="api_me"),
    path("me/program/", programs_patient_api.MyProgramView.as_view(), name="api_me_program"),
    path("me/sessions/", programs_patient_api.MySessionsView.as_view(), name="api_me_sessions"),
    path("me/checkins/", programs_patient_api.MyCheckInsView.as_view(), name="api_me_checkins"),
    path("me/red-flags/", programs_patient_api.MyRedFlagsView.as_view(), name="api_me_red_flags"),
    path("me/runs/", programs_run_api.MyRunsView.as_view(), name="api_me_runs"),
    path("me/self-tests/", programs_run_api.MySelfTestsView.as_view(), name="api_me_self_tests"),
    path(
        "me/questionnaires/",
        assessments_patient_api.MyQuestionnairesView.as_view(),
        name="api_me_questionnaires",
    ),
    path(
        "me/questionnaires/<int:pk>/",
        assessments_patient_api.MyQuestionnaireView.as_view(),
        name="api_me_questionnaire",
    ),
    path(
        "public/appointment-types/",
        booking_api.PublicAppointmentTypes.as_view(),
        name="api_public_appointment_types",
    ),
    path(
        "public/availability/",
        booking_api.PublicAvailability.as_view(),
        name="api_public_availability",
    ),
    path("public/bookings/", booking_api.PublicBookings.as_view(), name="api_public_bookings"),
    path("public/waitlist/", booking_api.PublicWaitlist.as_view(), name="api_public_waitlist"),
    path("calendar-feed/", booking_api.CalendarFeedView.as_view(), name="api_calendar_feed"),
    re_path(
        r"^calendar-feed/(?P<feed_id>[0-9]{1,18})-(?P<token>[0-9a-f]{64})\.ics$",
        booking_api.CalendarFeedFile.as_view(),
        name="api_calendar_feed_ics",
    ),
    *router.urls,
]
