"""Top-level URL map."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clinic import magic_link_views, two_factor_views, views
from clinic.forms import QueuedPasswordResetForm

from . import screen_views
from . import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz/", views.healthz, name="healthz"),
    # The language switch of the public pages (POST, sets the gw_language cookie).
    path("i18n/setlang/", set_language, name="set_language"),
    path("manifest.webmanifest", site_views.web_manifest, name="web_manifest"),
    path("sw.js", site_views.service_worker, name="service_worker"),
    path("2fa/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("2fa/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("login/link/", magic_link_views.magic_link_request, name="magic_link_request"),
    path("login/link/<str:token>/", magic_link_views.magic_link, name="magic_link"),
    path("patients/<int:pk>/invite/", magic_link_views.patient_invite, name="patient_invite"),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:pk>/", site_views.patient_detail, name="patient_detail"),
    # Before assessments' routes: the screen page with the patient's home self-tests.
    path("screens/<int:pk>/", screen_views.screen_detail, name="screen_detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("settings/clinic/", views.clinic_settings, name="clinic_settings"),
    path("settings/", include("clinic.site.setup_urls")),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", include("clinic.notifications.urls")),
    path("", include("clinic.booking.urls")),
    path("", include("assessments.urls")),
    path("", include("programs.urls")),
    path("", include("clinic.audit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("clinic.site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI sets inline styles; its page alone may use them (scripts stay strict).
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
]
