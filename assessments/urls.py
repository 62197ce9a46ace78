"""Browser routes of assessments (included at the site root by clinic/site/urls.py). The screen
page's route is the site's (clinic.site.screen_views): it shows home self-tests too."""

from django.urls import path

from . import questionnaire_views, views

urlpatterns = [
    path("patients/<int:patient_pk>/screens/", views.patient_screen_list, name="patient_screens"),
    path("patients/<int:patient_pk>/screens/new/", views.screen_create, name="screen_create"),
    path("screens/<int:pk>/edit/", views.screen_edit, name="screen_edit"),
    path("settings/thresholds/", views.clinic_thresholds, name="clinic_thresholds"),
    path("me/questionnaires/", questionnaire_views.my_questionnaires, name="my_questionnaires"),
    path(
        "me/questionnaires/<int:pk>/",
        questionnaire_views.my_questionnaire,
        name="my_questionnaire",
    ),
    path(
        "patients/<int:patient_pk>/questionnaires/discharge/",
        questionnaire_views.discharge_questionnaires,
        name="discharge_questionnaires",
    ),
]
