"""Routes under /api/v1/. Each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("patients", api.PatientViewSet, basename="patient")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("me/", api.MeView.as_view(), name="api_me"),
    *router.urls,
]
