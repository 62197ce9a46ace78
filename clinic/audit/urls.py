"""URLs of the audit app (mounted at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.trail, name="audit_trail"),
    path("audit/export/", views.trail_csv, name="audit_trail_csv"),
    path("patients/<int:pk>/export/<str:fmt>/", views.patient_export, name="patient_export"),
    path("patients/<int:pk>/anonymise/", views.patient_anonymise, name="patient_anonymise"),
    path("me/export/<str:fmt>/", views.my_export, name="my_export"),
]
