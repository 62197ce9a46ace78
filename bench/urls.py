"""URLs of the benchmark settings: the whole site plus the bare reference view."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("", include("clinic.site.urls")),
]
