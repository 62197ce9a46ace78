"""REST API of the signed-in patient's own program: read it, log a session, check in."""

from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import units
from clinic.api import IsPatient

from . import patient_services, patient_text, selectors
from .api import Conflict, MediaOut, media_out
from .models import MAX_RUN_KM_WEEK, MAX_STIFFNESS_MIN, Side
from .red_flags import ANSWERS as RED_FLAG_ANSWERS
from .red_flags import URGENCIES
from .services import ProgramConflict

# The same ceiling as run_km_week, in whole tenths of a mile.
MAX_RUN_MILES_WEEK = Decimal(int(units.km_to_miles(MAX_RUN_KM_WEEK) * 10)) / 10


NO_PROGRAM = gettext_lazy("You have no published program yet.")


class MyItemOut(serializers.Serializer):
    """One drill as the patient must do it: the variant's name and steps, its precautions and
    how often a day (docs/clinical-rules.md §10); the reason in plain words (§1)."""

    id = serializers.IntegerField()
    drill = serializers.CharField(source="drill.slug")
    drill_name = serializers.CharField(source="how_to.name")
    category = serializers.CharField(source="drill.category")
    side = serializers.ChoiceField(choices=Side.choices)
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_s = serializers.IntegerField(allow_null=True)
    days_per_week = serializers.IntegerField()
    times_per_day = serializers.IntegerField(help_text="Times on each drill day; 1 when once.")
    variant = serializers.CharField(source="patient_variant", help_text="May be empty.")
    precautions = serializers.ListField(child=serializers.CharField(), source="how_to.precautions")
    media = serializers.SerializerMethodField()
    load_note = serializers.CharField(source="patient_load_note")
    instructions = serializers.ListField(child=serializers.CharField(), source="how_to.steps")
    cues = serializers.ListField(child=serializers.CharField(), source="how_to.cues")
    equipment = serializers.ListField(child=serializers.CharField(), source="drill.equipment")
    reason = serializers.CharField(source="patient_why", help_text="Why, in plain words.")

    @extend_schema_field(MediaOut(many=True))
    def get_media(self, item) -> list[dict]:
        return media_out(item)

    def to_representation(self, item) -> dict:
        """The fields above, written out at once. They stay the documented shape (OpenAPI);
        DRF's field-by-field walk over them cost as much as the rest of the request, and
        `tests/programs/test_patient_api_shape.py` holds the two to the same output."""
        drill = item.drill
        how_to = item.how_to
        return {
            "id": item.pk,
            "drill": drill.slug,
            "drill_name": how_to.name,
            "category": drill.category,
            "side": item.side,
            "sets": item.sets,
            "reps": item.reps,
            "hold_s": item.hold_s,
            "days_per_week": item.days_per_week,
            "times_per_day": item.times_per_day,
            "variant": item.patient_variant,
            "precautions": list(how_to.precautions),
            "media": self.get_media(item),
            "load_note": item.patient_load_note,
            "instructions": list(how_to.steps),
            "cues": list(how_to.cues),
            "equipment": list(drill.equipment),
            "reason": item.patient_why,
        }


class PauseOut(serializers.Serializer):
    """While the program is paused by a red flag: what to do now (docs/clinical-rules.md §8)."""

    urgency = serializers.ChoiceField(choices=URGENCIES)
    message = serializers.CharField()
    clinic_phone = serializers.CharField(help_text="Call it: the page shows a tel: link.")
    red_flags = serializers.ListField(child=serializers.CharField())


class MyProgramOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    items = MyItemOut(many=True, source="items.all")
    week = serializers.SerializerMethodField(help_text="Item ids per weekday, Monday first.")
    pause = serializers.SerializerMethodField(help_text="Null unless the program is paused.")

    def get_week(self, program) -> list[list[int]]:
        return selectors.week_plan(program.items.all())

    @extend_schema_field(PauseOut(allow_null=True))
    def get_pause(self, program) -> dict | None:
        pause = selectors.program_pause(program)
        return PauseOut(pause).data if pause else None


class SessionItemIn(serializers.Serializer):
    program_item = serializers.IntegerField()
    completed_sets = serializers.IntegerField(min_value=0, max_value=10)
    pain_during = serializers.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        help_text="Pain during this drill, 0-10. Required for tendon-loading drills (heel "
        "raises, heel drops, hops...); the others may take the session's pain_during.",
    )
    difficulty = serializers.IntegerField(min_value=0, max_value=10)


class SessionIn(serializers.Serializer):
    date = serializers.DateField()
    pain_during = serializers.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        help_text="Optional: one pain score for the drills logged without their own; never "
        "used for tendon-loading drills.",
    )
    items = SessionItemIn(many=True, allow_empty=False)
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Optional idempotency key (a UUID the app makes per log); the header "
        "Idempotency-Key is the same. Sending the same key again returns the first answer "
        "(200) and logs nothing twice.",
    )


class SessionItemOut(serializers.Serializer):
    program_item = serializers.IntegerField(source="program_item_id")
    completed_sets = serializers.IntegerField()
    pain_during = serializers.IntegerField()
    difficulty = serializers.IntegerField()


class EngineChangeOut(serializers.Serializer):
    drill = serializers.CharField()
    action = serializers.CharField(help_text="progressed, regressed or drill_paused")
    reason = serializers.SerializerMethodField(help_text="What changed and why, in plain words.")

    def get_reason(self, change) -> str:
        """In the reader's language (issue 22): patient_text.change_words."""
        return patient_text.change_words(
            change.action, change.drill, change.detail, change.reason, selectors.reader_language()
        )


class EvaluationOut(serializers.Serializer):
    """What the progression engine did after this log or check-in."""

    program_version = serializers.SerializerMethodField()
    program_status = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def _evaluation(self, obj):
        return getattr(obj, "evaluation", None)

    def get_program_version(self, obj) -> int:
        evaluation = self._evaluation(obj)
        return evaluation.program.version if evaluation else obj.program.version

    def get_program_status(self, obj) -> str:
        evaluation = self._evaluation(obj)
        return evaluation.program.status if evaluation else obj.program.status

    @extend_schema_field(EngineChangeOut(many=True))
    def get_changes(self, obj) -> list[dict]:
        evaluation = self._evaluation(obj)
        return EngineChangeOut(evaluation.changes if evaluation else [], many=True).data


class SessionOut(EvaluationOut):
    id = serializers.IntegerField()
    program = serializers.IntegerField(source="program_id")
    date = serializers.DateField()
    items = SessionItemOut(many=True, source="items.all")
    logged_at = serializers.DateTimeField(
        source="updated_at", help_text="When the day's log was last saved (the patient's zone)."
    )


class CheckInIn(serializers.Serializer):
    date = serializers.DateField()
    pain_next_morning = serializers.IntegerField(min_value=0, max_value=10)
    still_sore = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Still sore from the last session? Needed unless soreness_hours is sent.",
    )
    soreness_hours = serializers.IntegerField(
        min_value=0,
        max_value=patient_services.MAX_SORENESS_HOURS,
        required=False,
        allow_null=True,
        help_text="Older question, still accepted: how many hours soreness lasted.",
    )
    first_step_pain = serializers.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        help_text="Pain on the first steps out of bed, 0-10 (asked for plantar heel pain).",
    )
    morning_stiffness_min = serializers.IntegerField(
        min_value=0,
        max_value=MAX_STIFFNESS_MIN,
        required=False,
        allow_null=True,
        help_text="Minutes of morning stiffness (asked for Achilles pain).",
    )
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=RED_FLAG_ANSWERS), required=False, default=list
    )
    run_km_week = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=MAX_RUN_KM_WEEK,
        required=False,
        allow_null=True,
        help_text="Optional: km run over the last 7 days (a sudden rise holds load steps).",
    )
    run_miles_week = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=MAX_RUN_MILES_WEEK,
        required=False,
        allow_null=True,
        help_text="Optional, instead of run_km_week for a patient counting miles: stored and "
        "judged in km (1 mile = 1.609344 km, rounded to 0.1 km).",
    )

    def validate(self, attrs):
        miles = attrs.pop("run_miles_week", None)
        if miles is None:
            return attrs
        if attrs.get("run_km_week") is not None:
            raise serializers.ValidationError(
                {"run_miles_week": [gettext("Send run_km_week or run_miles_week, not both.")]}
            )
        attrs["run_km_week"] = units.tenths(units.miles_to_km(float(miles)))
        return attrs


class CheckInOut(EvaluationOut):
    id = serializers.IntegerField()
    program = serializers.IntegerField(source="program_id")
    date = serializers.DateField()
    pain_next_morning = serializers.IntegerField()
    still_sore = serializers.BooleanField(allow_null=True)
    soreness_hours = serializers.IntegerField(allow_null=True)
    first_step_pain = serializers.IntegerField(allow_null=True)
    morning_stiffness_min = serializers.IntegerField(allow_null=True)
    red_flags = serializers.ListField(child=serializers.CharField())
    run_km_week = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class RedFlagsIn(serializers.Serializer):
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=RED_FLAG_ANSWERS), required=False, default=list
    )
    detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=patient_services.MAX_RED_FLAG_DETAIL,
        help_text="What happened, in the patient's words; may be sent again while paused.",
    )

    def validate(self, attrs):
        if not attrs.get("red_flags") and not attrs.get("detail", "").strip():
            raise serializers.ValidationError(
                {"red_flags": [gettext("Tick at least one answer, or write what happened.")]}
            )
        return attrs


class RedFlagsOut(serializers.Serializer):
    program = serializers.IntegerField(source="pk")
    program_status = serializers.CharField(source="status")
    message = serializers.SerializerMethodField()
    pause = serializers.SerializerMethodField()

    def get_message(self, program) -> str:
        pause = selectors.program_pause(program)
        return (
            gettext("Your program is paused. %(advice)s") % {"advice": pause.message}
            if pause
            else ""
        )

    @extend_schema_field(PauseOut(allow_null=True))
    def get_pause(self, program) -> dict | None:
        pause = selectors.program_pause(program)
        return PauseOut(pause).data if pause else None


def _current(request):
    program = selectors.current_program_for(request.user)
    if program is None:
        raise exceptions.NotFound(NO_PROGRAM)
    return program


class MyProgramView(APIView):
    """The signed-in patient's current program (published, or paused after a red flag)."""

    permission_classes = [IsPatient]

    @extend_schema(responses=MyProgramOut)
    def get(self, request):
        return Response(MyProgramOut(_current(request)).data)


class MySessionsView(APIView):
    """Log today's (or an earlier day's) session; the same day's log may be sent again."""

    permission_classes = [IsPatient]

    @extend_schema(request=SessionIn, responses={201: SessionOut, 200: SessionOut})
    def post(self, request):
        data = SessionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            log = patient_services.session_log(
                program=_current(request),
                day=data.validated_data["date"],
                items=data.validated_data["items"],
                pain_during=data.validated_data.get("pain_during"),
                client_id=_idempotency_key(request, data.validated_data.get("client_id")),
            )
        except ProgramConflict as exc:
            raise Conflict(str(exc)) from exc
        code = status.HTTP_200_OK if log.replayed else status.HTTP_201_CREATED
        return Response(SessionOut(log).data, status=code)


def _idempotency_key(request, body_key: UUID | None) -> UUID | None:
    """The request's idempotency key: the Idempotency-Key header or the body's client_id."""
    header = request.headers.get("Idempotency-Key", "").strip()
    if not header:
        return body_key
    try:
        key = UUID(header)
    except ValueError as exc:
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    gettext("Must be a UUID, e.g. %(example)s.")
                    % {"example": "123e4567-e89b-12d3-a456-426614174000"}
                ]
            }
        ) from exc
    if body_key is not None and body_key != key:
        raise exceptions.ValidationError(
            {"client_id": [gettext("Differs from the Idempotency-Key header: send one key.")]}
        )
    return key


class MyCheckInsView(APIView):
    """The next-morning check-in; a red-flag answer pauses the program at once."""

    permission_classes = [IsPatient]

    @extend_schema(request=CheckInIn, responses={201: CheckInOut})
    def post(self, request):
        data = CheckInIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        checkin = patient_services.checkin_record(
            program=_current(request),
            day=values["date"],
            pain_next_morning=values["pain_next_morning"],
            still_sore=values.get("still_sore"),
            soreness_hours=values.get("soreness_hours"),
            first_step_pain=values.get("first_step_pain"),
            morning_stiffness_min=values.get("morning_stiffness_min"),
            red_flags=values["red_flags"],
            run_km_week=values.get("run_km_week"),
        )
        return Response(CheckInOut(checkin).data, status=status.HTTP_201_CREATED)


class MyRedFlagsView(APIView):
    """The "something is wrong" button: any red-flag answer pauses the program at once."""

    permission_classes = [IsPatient]

    @extend_schema(request=RedFlagsIn, responses={201: RedFlagsOut})
    def post(self, request):
        data = RedFlagsIn(data=request.data)
        data.is_valid(raise_exception=True)
        program = patient_services.red_flags_report(
            program=_current(request),
            red_flags=data.validated_data["red_flags"],
            detail=data.validated_data.get("detail", ""),
        )
        return Response(RedFlagsOut(program).data, status=status.HTTP_201_CREATED)
