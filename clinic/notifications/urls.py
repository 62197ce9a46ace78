"""URLs of the notifications app, mounted under /notifications/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("patients/<int:pk>/", views.patient_notifications, name="patient"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
