"""REST API of programs: the drill library, build a draft from a screen, edit, publish, history."""

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a bad id is a 404, not a 500
from rest_framework.response import Response

from assessments.selectors import clinical_screen
from clinic.access import membership_of, parse_id
from clinic.api import IsClinical, IsStaff
from clinic.audit.services import access_record

from . import evaluation, review, selectors, services
from .models import MAX_TIMES_PER_DAY, Drill, DrillCategory, Program, ProgramStatus, Side


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The program changed meanwhile.")
    default_code = "conflict"


class IntakeRedFlagOut(serializers.Serializer):
    detail = serializers.CharField(help_text="Why nothing was built and what to do, by urgency.")
    red_flags = serializers.ListField(
        child=serializers.CharField(), help_text="Red-flag answer codes of the screen."
    )


class DrillOut(serializers.ModelSerializer):
    custom = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = [
            "id",
            "slug",
            "name",
            "category",
            "target_deficits",
            "equipment",
            "seeds",
            "default_sets",
            "default_reps",
            "default_hold_s",
            "default_dose",
            "precautions",
            "instructions",
            "cues",
            "variants",
            # The patient text in other languages: {"es": {...}} (issue 22).
            "translations",
            "unilateral",
            "prescribable",
            "custom",
        ]

    def get_custom(self, drill) -> bool:
        return drill.clinic_id is not None


class DrillIn(serializers.Serializer):
    slug = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=150)
    category = serializers.ChoiceField(choices=DrillCategory.choices)
    target_deficits = serializers.ListField(child=serializers.CharField(), required=False)
    equipment = serializers.ListField(child=serializers.CharField(), required=False)
    default_sets = serializers.IntegerField(min_value=1, max_value=services.MAX_SETS)
    default_reps = serializers.IntegerField(
        min_value=1, max_value=services.MAX_REPS, required=False, allow_null=True
    )
    default_hold_s = serializers.IntegerField(
        min_value=1, max_value=services.MAX_HOLD_S, required=False, allow_null=True
    )
    default_dose = serializers.CharField(max_length=200, required=False, allow_blank=True)
    precautions = serializers.CharField(required=False, allow_blank=True)
    instructions = serializers.ListField(child=serializers.CharField(), required=False)
    cues = serializers.ListField(child=serializers.CharField(), required=False)
    unilateral = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if attrs.get("default_reps") is None and attrs.get("default_hold_s") is None:
            raise serializers.ValidationError(
                {"default_reps": gettext("Give reps or a hold time.")}
            )
        return attrs


class DrillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The clinic's drill library: shipped drills it has not hidden, plus its own drills.

    `?search=` matches name, slug or category; `?category=` filters by category.
    """

    serializer_class = DrillOut
    permission_classes = [IsStaff]

    def get_permissions(self):
        if self.action in ("create", "hide", "unhide"):
            return [IsClinical()]
        return super().get_permissions()

    def get_queryset(self):
        membership = membership_of(self.request.user)
        if membership is None:
            return Drill.objects.none()
        return selectors.drills_for_clinic(
            clinic=membership.clinic_id,
            search=self.request.query_params.get("search", "")[:100],
            category=self.request.query_params.get("category", ""),
            include_hidden=self.action in ("hide", "unhide"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Words matched in name, slug or category"),
            OpenApiParameter("category", str, enum=DrillCategory.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DrillIn, responses={201: DrillOut})
    def create(self, request):
        data = DrillIn(data=request.data)
        data.is_valid(raise_exception=True)
        drill = services.drill_create(
            user=request.user, clinic=membership_of(request.user).clinic, **data.validated_data
        )
        return Response(DrillOut(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a library drill from this clinic's library (programs keep it)."""
        services.drill_set_hidden(
            clinic=membership_of(request.user).clinic, drill=self.get_object(), hidden=True
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        services.drill_set_hidden(
            clinic=membership_of(request.user).clinic, drill=self.get_object(), hidden=False
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- programs -----------------------------------------------------------------------------------


class FlagOut(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["red_flag", "review", "provisional", "modifier", "gate", "info"]
    )
    message = serializers.CharField()
    side = serializers.CharField()
    rule = serializers.CharField()


class MediaOut(serializers.Serializer):
    url = serializers.CharField(help_text="Address of the file; fetch it with the same sign-in.")
    alt = serializers.CharField(
        help_text="What the picture shows, in words; may be empty for a video."
    )
    kind = serializers.ChoiceField(choices=["image", "video"])
    caption = serializers.CharField(help_text="May be empty.")


def media_out(item) -> list[dict]:
    """The item's drill media as MediaOut dicts, from what the selectors loaded with the items."""
    return [
        {"url": medium.url, "alt": medium.alt, "kind": medium.kind, "caption": medium.caption}
        for medium in item.media
    ]


class ProgramItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    drill = serializers.CharField(source="drill.slug")
    drill_name = serializers.CharField(source="drill.name")
    category = serializers.CharField(source="drill.category")
    side = serializers.ChoiceField(choices=Side.choices)
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_s = serializers.IntegerField(allow_null=True)
    days_per_week = serializers.IntegerField()
    load_note = serializers.CharField()
    order = serializers.IntegerField()
    reason = serializers.CharField()
    finding = serializers.SerializerMethodField(help_text="Finding code behind the item, or null")
    rule = serializers.CharField()
    ladder = serializers.CharField()
    rung = serializers.IntegerField(allow_null=True)
    variant = serializers.CharField()
    times_per_day = serializers.IntegerField(help_text="Times on each drill day; 1 when once.")
    precautions = serializers.ListField(child=serializers.CharField(), source="how_to.precautions")
    media = serializers.SerializerMethodField()
    patient_reason = serializers.CharField(
        source="patient_why", help_text="The reason as the patient reads it."
    )

    def get_finding(self, item) -> str | None:
        return item.finding or None

    @extend_schema_field(MediaOut(many=True))
    def get_media(self, item) -> list[dict]:
        return media_out(item)


class ProgramOut(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    screen = serializers.IntegerField(source="screen_id", allow_null=True)
    status = serializers.CharField()
    version = serializers.IntegerField()
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    items = ProgramItemOut(many=True, source="items.all")
    flags = FlagOut(many=True)
    modifiers = serializers.ListField(child=serializers.DictField())
    week = serializers.SerializerMethodField(
        help_text="Item ids per weekday, Monday first (strength never on consecutive days)."
    )

    def get_week(self, program) -> list[list[int]]:
        return selectors.week_plan(program.items.all())


class ProgramCreateIn(serializers.Serializer):
    screen = serializers.IntegerField()


_OPTIONAL = {"required": False}


class _DoseIn(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices, **_OPTIONAL)
    sets = serializers.IntegerField(min_value=1, max_value=services.MAX_SETS, **_OPTIONAL)
    reps = serializers.IntegerField(
        min_value=1, max_value=services.MAX_REPS, allow_null=True, **_OPTIONAL
    )
    hold_s = serializers.IntegerField(
        min_value=1, max_value=services.MAX_HOLD_S, allow_null=True, **_OPTIONAL
    )
    days_per_week = serializers.IntegerField(min_value=1, max_value=7, **_OPTIONAL)
    times_per_day = serializers.IntegerField(
        min_value=1, max_value=MAX_TIMES_PER_DAY, help_text="On each drill day", **_OPTIONAL
    )
    load_note = serializers.CharField(max_length=300, allow_blank=True, **_OPTIONAL)


class ItemAddIn(_DoseIn):
    drill = serializers.CharField(max_length=60, help_text="Drill slug from /api/v1/drills/")
    reason = serializers.CharField(max_length=1000, allow_blank=True, **_OPTIONAL)


class ItemDoseIn(_DoseIn):
    id = serializers.IntegerField()


class ProgramPatchIn(serializers.Serializer):
    notes = serializers.CharField(max_length=5000, allow_blank=True, **_OPTIONAL)
    reason = serializers.CharField(
        max_length=1000, allow_blank=True, help_text="Why the clinician made this edit", **_OPTIONAL
    )
    remove = serializers.ListField(child=serializers.IntegerField(), **_OPTIONAL)
    add = serializers.ListField(child=ItemAddIn(), **_OPTIONAL)
    items = serializers.ListField(child=ItemDoseIn(), help_text="Re-dose items", **_OPTIONAL)
    order = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every item id in the new order", **_OPTIONAL
    )


class ChangeOut(serializers.Serializer):
    action = serializers.CharField()
    source = serializers.CharField()
    drill = serializers.CharField()
    detail = serializers.DictField()
    reason = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at")

    def get_by(self, change) -> str | None:
        return str(change.created_by) if change.created_by else None


class VersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    changes = ChangeOut(many=True, source="changes.all")


class AcceptedOut(serializers.Serializer):
    accepted = serializers.ListField(child=serializers.IntegerField())


class HistoryOut(serializers.Serializer):
    program = serializers.IntegerField()
    patient = serializers.IntegerField()
    versions = VersionOut(many=True)


class ProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Home programs of the clinic's patients (clinicians and clinic admins only)."""

    serializer_class = ProgramOut
    permission_classes = [IsClinical]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        programs = selectors.programs_with_items_visible_to(self.request.user)
        patient = self.request.query_params.get("patient")
        if (patient_id := parse_id(patient)) is not None:
            programs = programs.filter(patient_id=patient_id)
        return programs

    def retrieve(self, request, *args, **kwargs):
        program = self.get_object()
        access_record(user=request.user, obj=program, detail="api")
        return Response(ProgramOut(program).data)

    @extend_schema(
        parameters=[OpenApiParameter("patient", int, description="Only this patient's programs")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _out(self, program: Program, code=status.HTTP_200_OK) -> Response:
        program = selectors.program_with_items(
            Program.objects.filter(pk=program.pk), clinic_id=program.clinic_id
        ).get()
        return Response(ProgramOut(program).data, status=code)

    @extend_schema(request=ProgramCreateIn, responses={201: ProgramOut, 409: IntakeRedFlagOut})
    def create(self, request):
        """Build a draft from a screen; a screen with an intake red flag (or positive Ottawa
        rules) builds nothing: 409 with the red-flag codes (docs/clinical-rules.md §8)."""
        data = ProgramCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        screen = clinical_screen(user=request.user, pk=data.validated_data["screen"])
        if screen is None:
            raise exceptions.ValidationError(
                {"screen": [gettext("No such screen in your clinic.")]}
            )
        try:
            program = services.program_build_from_screen(user=request.user, screen=screen)
        except services.IntakeRedFlags as exc:
            body = {"detail": str(exc), "red_flags": exc.answers}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return self._out(program, status.HTTP_201_CREATED)

    @extend_schema(request=ProgramPatchIn, responses=ProgramOut)
    def partial_update(self, request, pk=None):
        program = self.get_object()
        data = ProgramPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            program = services.program_update(
                user=request.user, program=program, **data.validated_data
            )
        except services.ProgramConflict as exc:
            raise Conflict(str(exc)) from exc
        return self._out(program)

    @extend_schema(request=None, responses=ProgramOut)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the draft; the patient's previous program is superseded, never deleted."""
        program = self.get_object()
        try:
            program = services.program_publish(user=request.user, program=program)
        except services.ProgramConflict as exc:
            raise Conflict(str(exc)) from exc
        return self._out(program)

    @extend_schema(request=None, responses=ProgramOut)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Run the progression engine now (it also runs after every log and check-in). Returns
        the version in force afterwards: a new one when a dose changed."""
        program = self.get_object()
        if program.status != ProgramStatus.PUBLISHED:
            raise Conflict(
                gettext("Only a published program is evaluated; this one is %(status)s.")
                % {"status": program.status}
            )
        result = evaluation.program_evaluate(program=program, user=request.user)
        return self._out(result.program)

    @extend_schema(request=None, responses=AcceptedOut)
    @action(detail=True, methods=["post"], url_path="accept-changes")
    def accept_changes(self, request, pk=None):
        """Accept every automatic change of this patient still waiting for review
        (docs/clinical-rules.md §7); `accepted` is empty when none was waiting."""
        program = self.get_object()
        accepted = review.changes_accept_all(user=request.user, program=program)
        return Response(AcceptedOut({"accepted": [change.pk for change in accepted]}).data)

    @extend_schema(responses=HistoryOut)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every version of the patient's program with what changed and why."""
        program = get_object_or_404(selectors.programs_visible_to(request.user), pk=pk)
        access_record(user=request.user, obj=program, detail="api history")
        versions = selectors.program_versions(program=program)
        return Response(
            HistoryOut(
                {"program": program.pk, "patient": program.patient_id, "versions": versions}
            ).data
        )
