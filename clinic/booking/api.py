"""Booking API: public types, availability and bookings; staff appointments of their clinic."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.access import membership_of, parse_id, scope
from clinic.api import IsStaff
from clinic.models import Clinic, Patient, Sex
from clinic.phones import phone_for_clinic
from clinic.throttling import ClientRateThrottle

from . import feeds, selectors, services, waitlist
from . import series as repeat
from .availability import Slot
from .models import Appointment, AppointmentType, BookingRequest, BookingSource


def year_range_message() -> str:
    return gettext("Give a year between {earliest} and {latest}.").format(
        earliest=services.EARLIEST_YEAR, latest=services.LATEST_YEAR
    )


def parse_start(value: str) -> datetime:
    """An ISO-8601 date-time that carries its UTC offset (or Z)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise serializers.ValidationError(
            gettext("Give the start as ISO-8601 with an offset, e.g. 2026-12-01T09:00:00-05:00.")
        ) from None
    if moment.tzinfo is None:
        raise serializers.ValidationError(
            gettext("The start needs a UTC offset, e.g. 2026-12-01T09:00:00-05:00.")
        )
    if not services.EARLIEST_YEAR <= moment.year <= services.LATEST_YEAR:
        raise serializers.ValidationError(year_range_message())
    return moment


def active_type(clinic: Clinic, slug: str) -> AppointmentType:
    """The clinic's active appointment type of this slug, or a 400 naming the field."""
    found = AppointmentType.objects.filter(clinic=clinic, slug=slug, is_active=True).first()
    if found is None:
        raise ValidationError({"type": gettext("Unknown appointment type.")})
    return found


def unoffered_message() -> str:
    return gettext("This clinician does not offer that type.")


class StartField(serializers.CharField):
    def to_internal_value(self, data):
        return parse_start(super().to_internal_value(data))


def local_iso(moment: datetime, clinic: Clinic) -> str:
    return moment.astimezone(clinic.tz).isoformat()


def slot_data(slots: list[Slot], clinic: Clinic) -> list[dict]:
    return [
        {
            "start": local_iso(s.start, clinic),
            "end": local_iso(s.end, clinic),
            "clinician": s.clinician_id,
        }
        for s in slots
    ]


def conflict_response(error: services.SlotTaken, clinic: Clinic) -> Response:
    return Response(
        {
            "detail": gettext("That time was just taken. Here are the nearest free times."),
            "nearest": slot_data(error.nearest, clinic),
        },
        status=status.HTTP_409_CONFLICT,
    )


class SlotOutput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    clinician = serializers.IntegerField()


class SlotTakenOutput(serializers.Serializer):
    detail = serializers.CharField()
    nearest = SlotOutput(many=True)


CLINIC_PARAM = OpenApiParameter(
    "clinic",
    str,
    description="Clinic slug; defaults to the demo clinic (or the only clinic of an install).",
)


# Public --------------------------------------------------------------------------------------


class PublicView(APIView):
    """No sign-in; throttled per client IP under the "public" rate."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "public"

    def clinic(self, request) -> Clinic:
        clinic = selectors.public_clinic(slug=request.query_params.get("clinic"))
        if clinic is None:
            raise ValidationError({"clinic": gettext("Unknown clinic; give ?clinic=<slug>.")})
        return clinic

    @staticmethod
    def public_type(clinic: Clinic, slug: str) -> AppointmentType:
        found = active_type(clinic, slug)
        if not found.is_public:
            raise ValidationError(
                {"type": gettext("This appointment type cannot be booked online.")}
            )
        found.clinic = clinic  # already loaded: no second query for it
        return found


class PublicTypeOutput(serializers.ModelSerializer):
    clinicians = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentType
        fields = ["slug", "name", "duration_minutes", "color", "clinicians"]

    def get_clinicians(self, obj) -> list[dict]:
        return [{"id": c.pk, "name": c.full_name} for c in obj.offering]


class PublicAppointmentTypes(PublicView):
    """Appointment types anyone can book online, with who offers them."""

    @extend_schema(parameters=[CLINIC_PARAM], responses=PublicTypeOutput(many=True))
    def get(self, request):
        clinic = self.clinic(request)
        types = list(selectors.public_types(clinic=clinic))
        for kind in types:
            kind.offering = selectors.clinicians_for_type(appointment_type=kind)
        return Response(PublicTypeOutput(types, many=True).data)


class AvailabilityInput(serializers.Serializer):
    type = serializers.SlugField()
    date = serializers.DateField()
    clinician = serializers.IntegerField(required=False, min_value=1)

    def validate_date(self, value):
        if not services.EARLIEST_YEAR <= value.year <= services.LATEST_YEAR:
            raise serializers.ValidationError(year_range_message())
        return value


class PublicAvailability(PublicView):
    """Free start times of a public type on a day (clinic time), any or one clinician."""

    @extend_schema(parameters=[AvailabilityInput, CLINIC_PARAM], responses=SlotOutput(many=True))
    def get(self, request):
        query = AvailabilityInput(data=request.query_params)
        # The usual request names a bookable type of a clinic: one query finds both. Anything
        # else takes the steps below, which say what is wrong.
        kind = (
            selectors.public_type_of(
                clinic_slug=request.query_params.get("clinic"), slug=query.validated_data["type"]
            )
            if query.is_valid()
            else None
        )
        if kind is None:
            clinic = self.clinic(request)
            query.is_valid(raise_exception=True)
            kind = self.public_type(clinic, query.validated_data["type"])
        clinic = kind.clinic
        clinician = None
        if "clinician" in query.validated_data:
            clinician = next(
                (
                    c
                    for c in selectors.clinicians_for_type(appointment_type=kind)
                    if c.pk == query.validated_data["clinician"]
                ),
                None,
            )
            if clinician is None:
                raise ValidationError({"clinician": unoffered_message()})
        slots = selectors.available_slots(
            appointment_type=kind, day=query.validated_data["date"], clinician=clinician
        )
        return Response(slot_data(slots, clinic))


PHONE_HELP = (
    "A number with + and country code, or a national number of the clinic's country; "
    "stored in E.164. An invalid number is a 400 on this field."
)


def phone_input(raw: str, clinic: Clinic) -> str:
    """A request's phone number in E.164, read with the clinic's country; else a 400 that
    names the `phone` field. Only known once the clinic is, hence not a serializer field."""
    try:
        return phone_for_clinic(raw, clinic)
    except DjangoValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


class PublicBookingInput(serializers.Serializer):
    type = serializers.SlugField()
    start = StartField()
    clinician = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=PHONE_HELP
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    what_hurts = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    weekly_km = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=400
    )
    goal_race = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    clinic = serializers.SlugField(required=False)


class BookingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    clinician = serializers.IntegerField()
    manage_url = serializers.URLField()


def manage_url(appointment: Appointment, request=None) -> str:
    if request is None:
        return services.manage_url(appointment)
    return request.build_absolute_uri(
        reverse("booking_manage", args=[services.manage_token(appointment)])
    )


def public_booking_data(appointment: Appointment, request=None) -> dict:
    clinic = appointment.clinic
    return {
        "id": appointment.pk,
        "start": local_iso(appointment.start, clinic),
        "end": local_iso(appointment.end, clinic),
        "clinician": appointment.clinician_id,
        "manage_url": manage_url(appointment, request),
    }


class PublicBookings(PublicView):
    """Book a public type. 201 with a manage link; 409 with the nearest free times if taken."""

    @extend_schema(
        parameters=[CLINIC_PARAM],
        request=PublicBookingInput,
        responses={
            201: BookingOutput,
            409: SlotTakenOutput,
        },
    )
    def post(self, request):
        data = PublicBookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clinic = selectors.public_clinic(
            slug=request.query_params.get("clinic") or values.get("clinic")
        )
        if clinic is None:
            raise ValidationError({"clinic": gettext("Unknown clinic; give ?clinic=<slug>.")})
        kind = self.public_type(clinic, values["type"])
        phone = phone_input(values.get("phone", ""), clinic)
        clinician = None
        if values.get("clinician"):
            clinician = next(
                (
                    c
                    for c in selectors.clinicians_for_type(appointment_type=kind)
                    if c.pk == values["clinician"]
                ),
                None,
            )
            if clinician is None:
                raise ValidationError({"clinician": unoffered_message()})
        try:
            appointment = services.appointment_book(
                clinic=clinic,
                appointment_type=kind,
                start=values["start"],
                clinician=clinician,
                contact=services.Contact(
                    name=values["name"],
                    email=values["email"],
                    phone=phone,
                    date_of_birth=values.get("date_of_birth"),
                    sex=values.get("sex", ""),
                    language=translation.get_language(),
                ),
                intake=services.Intake(
                    what_hurts=values.get("what_hurts", ""),
                    weekly_km=values.get("weekly_km"),
                    goal_race=values.get("goal_race", ""),
                ),
                source=BookingSource.PUBLIC,
            )
        except services.SlotTaken as error:
            return conflict_response(error, clinic)
        return Response(public_booking_data(appointment, request), status=status.HTTP_201_CREATED)


class DayOrTimeField(serializers.CharField):
    """A date (YYYY-MM-DD, the whole day) or a date-time (with an offset, or else the
    clinic's local time), as the waitlist's window takes them."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise serializers.ValidationError(
                gettext("Give a date (2026-12-01) or a date and time (2026-12-01T09:00:00-05:00).")
            ) from None


class PublicWaitlistInput(serializers.Serializer):
    type = serializers.SlugField()
    clinician = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=PHONE_HELP
    )
    earliest = DayOrTimeField(help_text="First day (or time) that suits, in the clinic's zone.")
    latest = DayOrTimeField(help_text="Last day (or time) that suits; a day counts whole.")
    clinic = serializers.SlugField(required=False)


class WaitlistOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    clinician = serializers.IntegerField(allow_null=True)
    earliest = serializers.DateTimeField()
    latest = serializers.DateTimeField()
    status = serializers.CharField()


def waitlist_data(entry) -> dict:
    clinic = entry.clinic
    return {
        "id": entry.pk,
        "type": entry.appointment_type.slug,
        "clinician": entry.clinician_id,
        "earliest": local_iso(entry.earliest, clinic),
        "latest": local_iso(entry.latest, clinic),
        "status": entry.status,
    }


class PublicWaitlist(PublicView):
    """Join the waitlist of a public type: an e-mail offers a time when one comes free."""

    @extend_schema(
        parameters=[CLINIC_PARAM], request=PublicWaitlistInput, responses={201: WaitlistOutput}
    )
    def post(self, request):
        data = PublicWaitlistInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clinic = selectors.public_clinic(
            slug=request.query_params.get("clinic") or values.get("clinic")
        )
        if clinic is None:
            raise ValidationError({"clinic": gettext("Unknown clinic; give ?clinic=<slug>.")})
        kind = self.public_type(clinic, values["type"])
        clinician = None
        if values.get("clinician"):
            clinician = next(
                (
                    c
                    for c in selectors.clinicians_for_type(appointment_type=kind)
                    if c.pk == values["clinician"]
                ),
                None,
            )
            if clinician is None:
                raise ValidationError({"clinician": unoffered_message()})
        entry = waitlist.waitlist_join(
            clinic=clinic,
            appointment_type=kind,
            clinician=clinician,
            earliest=values["earliest"],
            latest=values["latest"],
            contact=services.Contact(
                name=values["name"],
                email=values["email"],
                phone=phone_input(values.get("phone", ""), clinic),
                language=translation.get_language(),
            ),
        )
        return Response(waitlist_data(entry), status=status.HTTP_201_CREATED)


# Staff ---------------------------------------------------------------------------------------


class AppointmentOutput(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(
        source="appointment_type", slug_field="slug", read_only=True
    )
    type_name = serializers.CharField(source="appointment_type.name", read_only=True)
    clinician_name = serializers.CharField(source="clinician.full_name", read_only=True)
    # Empty while the appointment is an online booking waiting for confirmation (no patient).
    patient_name = serializers.SerializerMethodField()
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "type",
            "type_name",
            "start",
            "end",
            "clinician",
            "clinician_name",
            "patient",
            "patient_name",
            "status",
            "source",
            "cancel_reason",
            "intake_what_hurts",
            "intake_weekly_km",
            "intake_goal_race",
            "notes",
            "series",
        ]

    def get_patient_name(self, obj) -> str:
        return obj.patient.full_name if obj.patient_id else ""

    def get_start(self, obj) -> datetime:
        return local_iso(obj.start, obj.clinic)

    def get_end(self, obj) -> datetime:
        return local_iso(obj.end, obj.clinic)


class AppointmentCreateInput(serializers.Serializer):
    type = serializers.SlugField()
    start = StartField()
    clinician = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    patient = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=PHONE_HELP
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("patient") and not (attrs.get("name") and attrs.get("email")):
            raise serializers.ValidationError(
                {"patient": gettext("Give a patient id, or a name and e-mail to find or add one.")}
            )
        return attrs


class AppointmentUpdateInput(serializers.Serializer):
    start = StartField(required=False)
    clinician = serializers.IntegerField(required=False, min_value=1)
    notes = serializers.CharField(required=False, allow_blank=True)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SeriesRuleInput(serializers.Serializer):
    freq = serializers.ChoiceField(choices=list(repeat.FREQUENCIES))
    interval = serializers.IntegerField(min_value=1, max_value=repeat.MAX_INTERVAL, default=1)
    count = serializers.IntegerField(
        min_value=1, max_value=repeat.MAX_OCCURRENCES, required=False, allow_null=True
    )
    until = serializers.DateField(required=False, allow_null=True, help_text="YYYY-MM-DD")

    def validate(self, attrs):
        if (attrs.get("count") is None) == (attrs.get("until") is None):
            raise serializers.ValidationError(
                {"count": gettext("Give either count or until (a date), not both.")}
            )
        return attrs


class SeriesInput(serializers.Serializer):
    type = serializers.SlugField()
    patient = serializers.IntegerField(min_value=1)
    clinician = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    start = StartField()
    rule = SeriesRuleInput()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SeriesConflictOutput(serializers.Serializer):
    start = serializers.CharField()
    reason = serializers.CharField()


class SeriesOutput(serializers.Serializer):
    booked = AppointmentOutput(many=True)
    conflicts = SeriesConflictOutput(many=True)


class SeriesCancelOutput(serializers.Serializer):
    cancelled = AppointmentOutput(many=True)


SCOPE_HELP = '"this": this appointment only; "following": this one and every later one.'


class SeriesCancelInput(CancelInput):
    scope = serializers.ChoiceField(
        choices=list(services.SeriesScope.CHOICES),
        default=services.SeriesScope.FOLLOWING,
        help_text=SCOPE_HELP,
    )


class SeriesRescheduleInput(serializers.Serializer):
    start = StartField(help_text="The new start of this appointment; later ones shift as much.")
    scope = serializers.ChoiceField(
        choices=list(services.SeriesScope.CHOICES),
        default=services.SeriesScope.THIS,
        help_text=SCOPE_HELP,
    )


class SeriesRescheduleOutput(serializers.Serializer):
    moved = AppointmentOutput(many=True)


class SeriesMoveConflictOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="The appointment that cannot move")
    start = serializers.CharField(help_text="Its current start")
    new_start = serializers.CharField(help_text="Where it was asked to go")
    reason = serializers.CharField()


class SeriesMoveRefusedOutput(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = SeriesMoveConflictOutput(many=True)


def series_data(result: services.SeriesResult, clinic: Clinic) -> dict:
    return {
        "booked": AppointmentOutput(result.booked, many=True).data,
        "conflicts": [
            {"start": local_iso(c.start, clinic), "reason": c.reason} for c in result.conflicts
        ],
    }


class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appointments of the staff member's clinic. Filters: `from`, `to` (dates), `clinician`."""

    serializer_class = AppointmentOutput
    permission_classes = [IsStaff]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def staff_clinic(self) -> Clinic:
        return membership_of(self.request.user).clinic

    def get_queryset(self):
        params = self.request.query_params
        start = end = None
        try:
            if params.get("from"):
                start = selectors.local_midnight(self.staff_clinic, params["from"])
            if params.get("to"):
                end = selectors.local_midnight(self.staff_clinic, params["to"], next_day=True)
        except (ValueError, OverflowError):
            raise ValidationError({"detail": gettext("Dates are YYYY-MM-DD.")}) from None
        clinician = params.get("clinician")
        return selectors.appointment_list(
            user=self.request.user,
            start=start,
            end=end,
            clinician_id=parse_id(clinician),
        ).select_related("clinic")

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD (clinic time)"),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (clinic time)"),
            OpenApiParameter("clinician", int, description="Only this clinician's bookings"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _clinician(self, clinician_id):
        if not clinician_id:
            return None
        found = selectors.clinicians_of(clinic=self.staff_clinic).filter(pk=clinician_id).first()
        if found is None:
            raise ValidationError({"clinician": gettext("Unknown clinician.")})
        return found

    @extend_schema(
        request=AppointmentCreateInput, responses={201: AppointmentOutput, 409: SlotTakenOutput}
    )
    def create(self, request):
        data = AppointmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clinic = self.staff_clinic
        kind = active_type(clinic, values["type"])
        patient = contact = None
        if values.get("patient"):
            patient = (
                scope(Patient.objects.all(), request.user).filter(pk=values["patient"]).first()
            )
            if patient is None:
                raise ValidationError({"patient": gettext("Unknown patient.")})
        else:
            contact = services.Contact(
                name=values["name"],
                email=values["email"],
                phone=phone_input(values.get("phone", ""), clinic),
            )
        try:
            appointment = services.appointment_book(
                clinic=clinic,
                appointment_type=kind,
                start=values["start"],
                clinician=self._clinician(values.get("clinician")),
                patient=patient,
                contact=contact,
                booked_by=request.user,
                notes=values.get("notes", ""),
            )
        except services.SlotTaken as error:
            return conflict_response(error, clinic)
        return Response(AppointmentOutput(appointment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AppointmentUpdateInput, responses={200: AppointmentOutput, 409: SlotTakenOutput}
    )
    def partial_update(self, request, pk=None):
        appointment = self.get_object()
        data = AppointmentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if "start" in values or "clinician" in values:
                services.appointment_reschedule(
                    appointment=appointment,
                    start=values.get("start", appointment.start),
                    clinician=self._clinician(values.get("clinician")),
                    by_user=request.user,
                )
        except services.SlotTaken as error:
            return conflict_response(error, appointment.clinic)
        if "notes" in values:
            services.appointment_set_notes(appointment=appointment, notes=values["notes"])
        return Response(AppointmentOutput(appointment).data)

    @extend_schema(request=CancelInput, responses=AppointmentOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self.get_object()
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.appointment_cancel(
            appointment=appointment, reason=data.validated_data["reason"], cancelled_by=request.user
        )
        return Response(AppointmentOutput(appointment).data)

    @extend_schema(
        request=SeriesInput,
        parameters=[
            OpenApiParameter("dry_run", bool, description="1: book nothing, report both lists")
        ],
        responses={200: SeriesOutput, 201: SeriesOutput},
    )
    @action(detail=False, methods=["post"])
    def series(self, request):
        """Book a repeating appointment: each occurrence where it is free; the others are
        listed with the reason. `?dry_run=1` previews the same without booking (200)."""
        data = SeriesInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clinic = self.staff_clinic
        kind = active_type(clinic, values["type"])
        patient = scope(Patient.objects.all(), request.user).filter(pk=values["patient"]).first()
        if patient is None:
            raise ValidationError({"patient": gettext("Unknown patient.")})
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        rule = values["rule"]
        try:
            result = services.appointment_series_book(
                clinic=clinic,
                appointment_type=kind,
                start=values["start"],
                rule=repeat.Rule(
                    freq=rule["freq"],
                    interval=rule["interval"],
                    count=rule.get("count"),
                    until=rule.get("until"),
                ),
                patient=patient,
                clinician=self._clinician(values.get("clinician")),
                booked_by=request.user,
                notes=values.get("notes", ""),
                dry_run=dry_run,
            )
        except DjangoValidationError as error:
            detail = error.message_dict
            if {"freq", "interval", "count", "until"} & detail.keys():
                detail = {"rule": detail}
            raise ValidationError(detail) from None
        return Response(
            series_data(result, clinic),
            status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED,
        )

    @extend_schema(request=SeriesCancelInput, responses=SeriesCancelOutput)
    @action(detail=True, methods=["post"], url_path="cancel-series")
    def cancel_series(self, request, pk=None):
        """Cancel this occurrence of a series and all later ones (`scope` "following", the
        default), or this one only ("this"); earlier ones stay."""
        appointment = self.get_object()
        data = SeriesCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cancelled = services.appointment_series_cancel(
                appointment=appointment,
                reason=data.validated_data["reason"],
                cancelled_by=request.user,
                scope=data.validated_data["scope"],
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response({"cancelled": AppointmentOutput(cancelled, many=True).data})

    @extend_schema(
        request=SeriesRescheduleInput,
        responses={
            200: SeriesRescheduleOutput,
            409: OpenApiResponse(
                SeriesMoveRefusedOutput,
                description="At least one occurrence cannot move there: nothing moved; "
                "`conflicts` lists each refused one with the reason.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="reschedule-series")
    def reschedule_series(self, request, pk=None):
        """Move this appointment of a series (`scope` "this") or it and every later booked
        one ("following"): each later one shifts by the same difference in clinic time, each
        checked like a single move. All or nothing: on any conflict nothing moves (409)."""
        appointment = self.get_object()
        data = SeriesRescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        clinic = appointment.clinic
        try:
            moved = services.appointment_series_reschedule(
                appointment=appointment,
                start=values["start"],
                scope=values["scope"],
                by_user=request.user,
            )
        except services.SlotTaken as error:
            return conflict_response(error, clinic)
        except services.SeriesMoveRefused as refused:
            return Response(
                {
                    "detail": str(refused),
                    "conflicts": [
                        {
                            "id": c.appointment.pk,
                            "start": local_iso(c.appointment.start, clinic),
                            "new_start": local_iso(c.start, clinic),
                            "reason": c.reason,
                        }
                        for c in refused.conflicts
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response({"moved": AppointmentOutput(moved, many=True).data})

    def _booking_request(self) -> BookingRequest:
        found = BookingRequest.objects.filter(appointment=self.get_object()).first()
        if found is None:
            raise ValidationError(
                {"detail": gettext("This appointment is not an online booking request.")}
            )
        return found

    @extend_schema(request=None, responses=AppointmentOutput)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm an online booking made with a known patient's e-mail: it becomes theirs."""
        appointment = services.booking_request_confirm(
            booking_request=self._booking_request(), by_user=request.user
        )
        appointment = self.get_queryset().get(pk=appointment.pk)
        return Response(AppointmentOutput(appointment).data)

    @extend_schema(request=None, responses=AppointmentOutput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject such an online booking: the held time is free again."""
        booking_request = services.booking_request_reject(
            booking_request=self._booking_request(), by_user=request.user
        )
        appointment = self.get_queryset().get(pk=booking_request.appointment_id)
        return Response(AppointmentOutput(appointment).data)

    @extend_schema(request=None, responses=AppointmentOutput)
    @action(detail=True, methods=["post"])
    def arrived(self, request, pk=None):
        appointment = services.appointment_mark_arrived(appointment=self.get_object())
        return Response(AppointmentOutput(appointment).data)

    @extend_schema(request=None, responses=AppointmentOutput)
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        appointment = services.appointment_mark_no_show(appointment=self.get_object())
        return Response(AppointmentOutput(appointment).data)


# Calendar feeds ------------------------------------------------------------------------------


class CalendarFeedOutput(serializers.Serializer):
    url = serializers.URLField()


CLINICIAN_FEED_PARAM = OpenApiParameter(
    "clinician",
    str,
    description='Whose appointments: a clinician\'s id or "all" (front desk and admins only); '
    "by default your own, or the whole clinic's when you see no patients.",
)


class CalendarFeedView(APIView):
    """The signed-in staff member's private iCal feed URL: GET makes one when missing, DELETE
    revokes it (the old URL then answers 404 and the next GET makes a new one)."""

    permission_classes = [IsStaff]

    def _scope(self, request) -> feeds.FeedScope:
        try:
            return feeds.feed_scope(
                user=request.user, clinician_param=request.query_params.get("clinician")
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None

    @extend_schema(
        parameters=[CLINICIAN_FEED_PARAM],
        responses={200: CalendarFeedOutput, 201: CalendarFeedOutput},
    )
    def get(self, request):
        feed, created = feeds.calendar_feed_get_or_create(
            owner=request.user, scope=self._scope(request)
        )
        return Response(
            {"url": request.build_absolute_uri(feeds.feed_path(feed))},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(parameters=[CLINICIAN_FEED_PARAM], responses={204: None})
    def delete(self, request):
        if not feeds.calendar_feed_revoke(owner=request.user, scope=self._scope(request)):
            raise NotFound(gettext("You have no calendar feed for these appointments."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarFeedFile(APIView):
    """The feed itself: no session or token, the URL's secret is the credential. Throttled
    per client like the public API; any mismatch is a plain 404."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "public"

    @extend_schema(exclude=True)
    def get(self, request, feed_id: int, token: str):
        # The argument is called `token` so logs and the audit trail redact it (link_tokens).
        feed = feeds.calendar_feed_from_secret(feed_id=feed_id, secret=token)
        if feed is None:
            raise Http404
        response = HttpResponse(
            feeds.feed_calendar(feed), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="groundwork.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
