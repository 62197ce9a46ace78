"""Booking pages: the staff calendar under /calendar/, the public booking pages under /book/."""

from django.urls import path

from . import views

urlpatterns = [
    path("calendar/", views.calendar_day, name="booking_calendar_day"),
    path("calendar/week/", views.calendar_week, name="booking_calendar_week"),
    path("calendar/book/", views.appointment_new, name="booking_appointment_new"),
    path("calendar/slots/", views.slot_check, name="booking_slot_check"),
    path("calendar/series-preview/", views.series_preview, name="booking_series_preview"),
    path("calendar/patients/", views.patient_search, name="booking_patient_search"),
    path("calendar/appointments/<int:pk>/", views.appointment_detail, name="booking_appointment"),
    path(
        "calendar/appointments/<int:pk>/move/",
        views.appointment_move,
        name="booking_appointment_move",
    ),
    path(
        "calendar/appointments/<int:pk>/cancel/",
        views.appointment_cancel,
        name="booking_appointment_cancel",
    ),
    path(
        "calendar/appointments/<int:pk>/status/",
        views.appointment_status,
        name="booking_appointment_status",
    ),
    path(
        "calendar/appointments/<int:pk>/request/",
        views.appointment_request,
        name="booking_appointment_request",
    ),
    path("calendar/time-off/", views.time_off_new, name="booking_time_off_new"),
    path("calendar/feed/", views.calendar_feed, name="booking_calendar_feed"),
    path("calendar/settings/", views.booking_settings, name="booking_settings"),
    path("calendar/waitlist/", views.waitlist_staff, name="booking_waitlist"),
    path(
        "calendar/waitlist/<int:pk>/withdraw/",
        views.waitlist_withdraw,
        name="booking_waitlist_withdraw",
    ),
    path("book/", views.public_book, name="booking_public"),
    path("book/done/<str:token>/", views.public_done, name="booking_public_done"),
    path("book/manage/<str:token>/", views.public_manage, name="booking_manage"),
    path("book/confirm/<str:token>/", views.public_request, name="booking_request_confirm"),
    path("book/waitlist/", views.public_waitlist_join, name="booking_waitlist_join"),
    path("book/waitlist/<str:token>/", views.public_waitlist_offer, name="booking_waitlist_offer"),
]
