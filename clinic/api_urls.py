"""Routes under /api/v1/. Each app registers its viewsets here."""

from django.urls import path
from assessments import api as assessments_api
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("patients", api.PatientViewSet, basename="patient")
router.register("screens", assessments_api.ScreenViewSet, basename="screen")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("me/", api.MeView.as_view(), name="api_me"),
    *router.urls,
]
