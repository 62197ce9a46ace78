"""REST API of the clinic app: token sign-in and sign-out, patients, the patient's own profile.

Also the shared API plumbing every app uses: JSON-only errors and role permissions.
"""

from collections.abc import Mapping

from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from clinic.audit.services import access_record

from . import services
from .access import CLINICAL_ROLES, PATIENT, STAFF_ROLES, membership_of, patient_of, role_of, scope
from .api_defaults import ExpiringTokenAuthentication
from .lockout import LOCKED_OUT_MESSAGE
from .models import Language, Patient, Units
from .phones import phone_for_clinic
from .selectors import patient_list
from .throttling import ClientRateThrottle
from .two_factor_views import token_second_factor_error


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services turned into a 400."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(gettext("Not found."))
    return drf_exception_handler(exc, context)


def role_permission(*roles: str) -> type[permissions.BasePermission]:
    """A DRF permission class that admits only the given roles (and only signed-in users)."""
    allowed = frozenset(roles)

    class HasRole(permissions.BasePermission):
        message = gettext_lazy("Your role does not give access to this resource.")

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and (
                role_of(request.user) in allowed
            )

    HasRole.__name__ = "HasRole_" + "_".join(sorted(allowed))
    return HasRole


IsStaff = role_permission(*STAFF_ROLES)
IsClinical = role_permission(*CLINICAL_ROLES)
IsPatient = role_permission(PATIENT)


class TokenView(ObtainAuthToken):
    """POST {"username": e-mail, "password"} → {"token"}: a new token at each sign-in, which
    replaces the user's previous one and expires (clinic.api_defaults.token_max_age)."""

    # ObtainAuthToken sets throttle_classes to (), so the scope alone would throttle nothing.
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "auth"
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's view sets its own
    # Signing in needs no earlier sign-in: a client still sending its expired token in the
    # header must get a new one, not the expired token's 401.
    authentication_classes: list = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        if not isinstance(request.data, Mapping):  # e.g. a JSON list or string
            body = {"detail": gettext('Send a JSON object with "username" and "password".')}
            return Response(body, status=400)
        # Axes marks the lockout on Django's request, which DRF's wrapper hides from the
        # middleware, so the API answers the lockout itself. The key is the one
        # `authenticate(username=...)` reports failures under (clinic.lockout), so the
        # page and the API count against the same account.
        username = request.data.get("username")
        credentials = {"username": username if isinstance(username, str) else ""}
        if not AxesProxyHandler.is_allowed(request._request, credentials=credentials):
            return Response({"detail": LOCKED_OUT_MESSAGE}, status=429)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        problem = token_second_factor_error(user, request.data.get("otp"))
        if problem:
            return Response({"otp": [problem]}, status=400)
        token = services.api_token_issue(user=user)
        response = Response({"token": token.key})
        add_never_cache_headers(response)  # a credential: no browser or proxy keeps a copy
        return response


class TokenLogoutView(APIView):
    """POST with `Authorization: Token <key>`: that token stops working at once (204)."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        request.auth.delete()
        return Response(status=204)


class PatientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "intake_notes",
            "language",
            "units",
            "created_at",
        ]
        read_only_fields = ["id", "intake_notes", "created_at"]
        extra_kwargs = {
            "date_of_birth": {"required": True},
            "sex": {"required": True},
            "phone": {
                "help_text": "A number with + and country code, or a national number of the "
                "clinic's country; stored and returned in E.164 (+14105550100)."
            },
        }

    def validate_phone(self, value: str) -> str:
        clinic = (
            self.instance.clinic
            if self.instance
            else membership_of(self.context["request"].user).clinic
        )
        try:
            return phone_for_clinic(value, clinic)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_date_of_birth(self, value):
        clinic = membership_of(self.context["request"].user).clinic
        if value is not None and value > clinic.today():
            raise serializers.ValidationError(gettext("The date of birth cannot be in the future."))
        return value


class PatientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Patients of the staff member's clinic. `?search=` matches name or e-mail."""

    serializer_class = PatientSerializer
    permission_classes = [IsStaff]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return patient_list(
            user=self.request.user, search=self.request.query_params.get("search", "")
        )

    def retrieve(self, request, *args, **kwargs):
        patient = self.get_object()
        access_record(user=request.user, obj=patient, detail="api")  # a read of the chart
        return Response(self.get_serializer(patient).data)

    def perform_create(self, serializer):
        clinic = membership_of(self.request.user).clinic
        serializer.instance = services.patient_create(clinic=clinic, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.patient_update(
            patient=serializer.instance, **serializer.validated_data
        )


class MePreferencesIn(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        error_messages={"invalid_choice": gettext_lazy('Choose "en" (English) or "es" (Spanish).')},
    )
    units = serializers.ChoiceField(
        choices=Units.choices,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                'Choose "metric" (km, cm) or "imperial" (miles, inches).'
            )
        },
    )

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [gettext("A patient may change only language and units here.")]
                    for name in unknown
                }
            )
        if not attrs:
            raise serializers.ValidationError(
                {"detail": [gettext("Send language, units or both.")]}
            )
        return attrs


class MeView(APIView):
    """The signed-in patient's own profile. PATCH sets their language and units; staff choose
    a patient's on the patient form or PATCH /api/v1/patients/{id}/ (this route is patients'
    only: a staff user has no "me" patient record, so staff get 403 here)."""

    permission_classes = [IsPatient]

    def _patient(self, request) -> Patient:
        return scope(Patient.objects.all(), request.user).get(pk=patient_of(request.user).pk)

    @extend_schema(responses=PatientSerializer)
    def get(self, request):
        return Response(PatientSerializer(self._patient(request)).data)

    @extend_schema(request=MePreferencesIn, responses=PatientSerializer)
    def patch(self, request):
        data = MePreferencesIn(data=request.data)
        data.is_valid(raise_exception=True)
        patient = services.patient_preferences_set(
            patient=self._patient(request), **data.validated_data
        )
        return Response(PatientSerializer(patient).data)
