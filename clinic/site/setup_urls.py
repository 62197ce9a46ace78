"""Routes of the clinic set-up pages (clinic admins only)."""

from django.urls import path

from . import setup_views as views

urlpatterns = [
    path("staff/", views.staff_list, name="setup_staff"),
    path("staff/<int:pk>/", views.staff_edit, name="setup_staff_edit"),
    path("staff/<int:user_id>/hours/", views.working_hours, name="setup_hours"),
    path("appointment-types/", views.appointment_type_list, name="setup_types"),
    path("appointment-types/new/", views.appointment_type_edit, name="setup_type_new"),
    path("appointment-types/<int:pk>/", views.appointment_type_edit, name="setup_type_edit"),
]
