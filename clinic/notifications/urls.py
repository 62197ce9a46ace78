"""URLs of the notifications app, mounted under /notifications/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("patients/<int:pk>/", views.patient_notifications, name="patient"),
    path(
        "patients/<int:pk>/preferences/",
        views.patient_preferences,
        name="patient_preferences",
    ),
    path("preferences/", views.my_preferences, name="my_preferences"),
    path("settings/", views.reminder_settings, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
