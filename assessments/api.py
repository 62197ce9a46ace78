"""REST API of screens (interface.md "Screens"): create, read, list and update within a clinic.

Input is the interface.md shape (per-side values as {"left": x, "right": y}); the serializers
only check shape and types, then hand flat model columns to the services, which own the rules.
"""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import get_object_or_404  # a bad id is a 404, not a 500
from rest_framework.response import Response

from clinic.access import CLINICAL_ROLES, membership_of
from clinic.api import role_permission
from clinic.audit.services import access_record
from clinic.models import Patient

from . import schema, selectors, services
from .models import Screen

CanRead = role_permission(*selectors.READ_ROLES)
CanWrite = role_permission(*CLINICAL_ROLES)


class _StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a misspelt measurement is a 400, not silently lost."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({k: [gettext("Unknown field.")] for k in unknown})
        return super().to_internal_value(data)


def _choice(values, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=list(values), **kwargs)


def _value_field(spec) -> serializers.Field:
    unit = f" ({spec.unit})" if spec.unit else ""
    common = {"required": False, "allow_null": True, "help_text": f"{spec.label}{unit}"}
    if spec.kind != "passfail":
        limits = f"Must be between {spec.low:g} and {spec.high:g}{unit}."
        common["error_messages"] = {"max_value": limits, "min_value": limits}
    if spec.kind == "passfail":
        return _choice(schema.PASS_FAIL, **common)
    if spec.kind == "int":
        return serializers.IntegerField(min_value=spec.low, max_value=spec.high, **common)
    return serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=spec.low, max_value=spec.high, **common
    )


def _sides(spec, name: str) -> type[serializers.Serializer]:
    attrs = {side: _value_field(spec) for side in schema.SIDES}
    return type(name, (_StrictSerializer,), attrs)


def _flag_sides(name: str) -> type[serializers.Serializer]:
    attrs = {
        side: serializers.BooleanField(required=False, allow_null=True) for side in schema.SIDES
    }
    return type(name, (_StrictSerializer,), attrs)


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


MeasurementsIn = type(
    "ScreenMeasurementsIn",
    (_StrictSerializer,),
    {
        m.key: _sides(m, f"{_camel(m.key)}In")(required=False, allow_null=True)
        for m in (*schema.MEASURES, schema.HEEL_RAISE_PAIN)
    },
)


class FootStrikeIn(_StrictSerializer):
    left = _choice(schema.FOOT_STRIKES, required=False, allow_null=True)
    right = _choice(schema.FOOT_STRIKES, required=False, allow_null=True)


class GaitIn(_StrictSerializer):
    cadence_spm = _value_field(schema.CADENCE)
    speed_kmh = _value_field(schema.GAIT_SPEED)
    foot_strike = FootStrikeIn(required=False, allow_null=True)
    overstride = serializers.BooleanField(required=False, allow_null=True)
    heel_lift = _choice(schema.HEEL_LIFTS, required=False, allow_null=True)
    arch_collapse = _flag_sides("ArchCollapseIn")(required=False, allow_null=True)
    pelvic_drop = _flag_sides("PelvicDropIn")(required=False, allow_null=True)
    knee_valgus = _flag_sides("KneeValgusIn")(required=False, allow_null=True)


PromsIn = type(
    "ScreenPromsIn",
    (_StrictSerializer,),
    {
        **{p.key: _value_field(p) for p in schema.PROMS},
        **{
            p.date_key: serializers.DateField(required=False, allow_null=True) for p in schema.PROMS
        },
    },
)


class HopPainSiteIn(_StrictSerializer):
    left = _choice(schema.HOP_PAIN_SITES, required=False, allow_null=True)
    right = _choice(schema.HOP_PAIN_SITES, required=False, allow_null=True)


OttawaIn = type(
    "ScreenOttawaIn",
    (_StrictSerializer,),
    {
        item: _flag_sides(f"Ottawa{_camel(item)}In")(
            required=False, allow_null=True, help_text=label
        )
        for item, label in schema.OTTAWA_LABELS.items()
    },
)
HopPainIn = _sides(schema.HOP_PAIN, "HopPainNprsIn")
FocalBoneTendernessIn = _flag_sides("FocalBoneTendernessIn")
# Per-side intake values: API key -> model column prefix.
INTAKE_SIDES = {
    "focal_bone_tenderness": "focal_bone_tenderness",
    "hop_pain_nprs": "hop_pain_nprs",
    "hop_pain_site": "hop_pain_site",
}


class InjuryHistoryIn(_StrictSerializer):
    condition = _choice(schema.CONDITIONS)
    side = _choice(schema.INJURY_SIDES)
    status = _choice(schema.INJURY_STATUSES)
    onset_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Day of the injury or start of symptoms; an acute sprain's limits end 14 days "
        "later (docs/clinical-rules.md §6). Not in the future.",
    )


class ScreenIn(_StrictSerializer):
    patient = serializers.PrimaryKeyRelatedField(queryset=Patient.objects.none())
    performed_on = serializers.DateField(required=False)
    pain_nprs = _value_field(schema.PAIN_NPRS)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    injury_history = InjuryHistoryIn(many=True, required=False)
    signs = serializers.ListField(child=serializers.ChoiceField(schema.SIGNS), required=False)
    measurements = MeasurementsIn(required=False)
    gait = GaitIn(required=False)
    proms = PromsIn(required=False)
    # Intake red flags (docs/clinical-rules.md §8): any red flag or positive Ottawa item means
    # no program is built; hop pain, night pain or bony tenderness raise M-BSI-SUSPECT.
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(schema.RED_FLAGS),
        required=False,
        help_text="Red-flag answers that are yes: " + ", ".join(schema.RED_FLAGS),
    )
    ottawa = OttawaIn(
        required=False, help_text="Ottawa ankle and foot rules after a fall or twist, per side"
    )
    night_pain = serializers.BooleanField(required=False, allow_null=True)
    focal_bone_tenderness = FocalBoneTendernessIn(required=False, allow_null=True)
    hop_pain_nprs = HopPainIn(
        required=False, allow_null=True, help_text="Pain during 10 single-leg hops, 0-10"
    )
    hop_pain_site = HopPainSiteIn(
        required=False, allow_null=True, help_text="Where the hops hurt: shin, foot or other"
    )

    def __init__(self, *args, clinic=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this clinic's patients exist as far as the input is concerned.
        if isinstance(self.fields["patient"], serializers.PrimaryKeyRelatedField):
            self.fields["patient"].queryset = Patient.objects.filter(clinic=clinic)


class ScreenUpdateIn(ScreenIn):
    # A screen stays with its patient: sending the same id back is fine, another is refused.
    patient = serializers.IntegerField(required=False)

    def __init__(self, *args, screen: Screen | None = None, **kwargs):
        super().__init__(*args, clinic=screen.clinic_id if screen else None, **kwargs)
        self.screen = screen

    def validate_patient(self, value: int) -> int:
        if self.screen is None or value != self.screen.patient_id:
            raise serializers.ValidationError(gettext("A screen cannot move to another patient."))
        return value


def to_columns(data: dict) -> dict:
    """Flatten validated interface-shaped input into model columns (only keys that were sent)."""
    columns: dict = {}
    for key in ("performed_on", "pain_nprs", "notes", "signs", "red_flags", "night_pain"):
        if key in data:
            columns[key] = data[key]
    if "injury_history" in data:
        columns["injury_history"] = [
            {k: v for k, v in item.items() if v is not None} for item in data["injury_history"]
        ]
    for key, sides in (data.get("measurements") or {}).items():
        for side in schema.SIDES:
            if sides is None:
                columns[f"{key}_{side}"] = None
            elif side in sides:
                columns[f"{key}_{side}"] = sides[side]
    gait = data.get("gait") or {}
    for key in ("cadence_spm", "speed_kmh", "overstride", "heel_lift"):
        if key in gait:
            columns[key] = gait[key]
    for key in ("foot_strike", *schema.GAIT_SIDE_FLAGS):
        if key in gait:
            for side in schema.SIDES:
                if gait[key] is None:
                    columns[f"{key}_{side}"] = None
                elif side in gait[key]:
                    columns[f"{key}_{side}"] = gait[key][side]
    columns.update(data.get("proms") or {})
    for key, prefix in INTAKE_SIDES.items():
        if key in data:
            for side in schema.SIDES:
                if data[key] is None:
                    columns[f"{prefix}_{side}"] = None
                elif side in data[key]:
                    columns[f"{prefix}_{side}"] = data[key][side]
    for item, sides in (data.get("ottawa") or {}).items():
        for side in schema.SIDES:
            if sides is None:
                columns[f"ottawa_{item}_{side}"] = None
            elif side in sides:
                columns[f"ottawa_{item}_{side}"] = sides[side]
    return columns


# ---- output --------------------------------------------------------------------------------


def _out_value(spec, value):
    if value is None or value == "":
        return None
    if spec.kind == "passfail":
        return value
    return int(value) if spec.kind == "int" else float(value)


def _user(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.get_full_name()}


def finding_out(f) -> dict:
    return {
        "code": f.code,
        "side": f.side,
        "severity": f.severity,
        "evidence": f.evidence,
        "rule": f.rule,
        "provisional": f.provisional,
    }


def change_out(detail: selectors.ScreenDetail) -> dict | None:
    if detail.previous is None:
        return None
    measurements: dict[str, dict] = {}
    scores: dict[str, dict] = {}
    for c in detail.changes:
        item = {
            "before": c.before,
            "after": c.after,
            "delta": c.delta,
            "real_change": c.real,
            "direction": c.direction,
            "threshold": c.threshold,
        }
        if c.side is None:
            scores[c.measure] = item
        else:
            measurements.setdefault(c.measure, {})[c.side] = item
    return {
        "previous_screen": detail.previous.pk,
        "previous_performed_on": detail.previous.performed_on.isoformat(),
        "measurements": measurements,
        "scores": scores,
    }


def screen_out(screen: Screen, found: list, detail: selectors.ScreenDetail | None = None) -> dict:
    measurements = {
        m.key: {side: _out_value(m, screen.side_value(m.key, side)) for side in schema.SIDES}
        for m in (*schema.MEASURES, schema.HEEL_RAISE_PAIN)
    }
    gait = {
        "cadence_spm": screen.cadence_spm,
        "speed_kmh": _out_value(schema.GAIT_SPEED, screen.speed_kmh),
        "foot_strike": {s: screen.side_value("foot_strike", s) or None for s in schema.SIDES},
        "overstride": screen.overstride,
        "heel_lift": screen.heel_lift or None,
        **{
            key: {side: screen.side_value(key, side) for side in schema.SIDES}
            for key in schema.GAIT_SIDE_FLAGS
        },
    }
    proms = {}
    for p in schema.PROMS:
        proms[p.key] = _out_value(p, getattr(screen, p.key))
        date = getattr(screen, p.date_key)
        proms[p.date_key] = date.isoformat() if date else None
    out = {
        "id": screen.pk,
        "patient": screen.patient_id,
        "performed_on": screen.performed_on.isoformat(),
        "pain_nprs": screen.pain_nprs,
        "notes": screen.notes,
        "injury_history": screen.injury_history,
        "signs": screen.signs,
        "measurements": measurements,
        "gait": gait,
        "proms": proms,
        "red_flags": screen.red_flags,
        "ottawa": {
            item: {side: screen.side_value(f"ottawa_{item}", side) for side in schema.SIDES}
            for item in schema.OTTAWA_ITEMS
        },
        "night_pain": screen.night_pain,
        "focal_bone_tenderness": {
            side: screen.side_value("focal_bone_tenderness", side) for side in schema.SIDES
        },
        "hop_pain_nprs": {side: screen.side_value("hop_pain_nprs", side) for side in schema.SIDES},
        "hop_pain_site": {
            side: screen.side_value("hop_pain_site", side) or None for side in schema.SIDES
        },
        "findings": [finding_out(f) for f in found],
        "created_by": _user(screen.created_by),
        "updated_by": _user(screen.updated_by),
        "created_at": screen.created_at.isoformat(),
        "updated_at": screen.updated_at.isoformat(),
    }
    if detail is not None:
        out["change"] = change_out(detail)
        out["history"] = [
            {
                "changed_by": _user(c.changed_by),
                "changed_at": c.changed_at.isoformat(),
                "fields": {name: {"before": b, "after": a} for name, (b, a) in c.fields.items()},
            }
            for c in detail.history
        ]
    return out


class FindingOut(serializers.Serializer):
    code = serializers.CharField()
    side = _choice(["left", "right", "both"])
    severity = _choice(["none", "mild", "marked"])
    evidence = serializers.CharField()
    rule = serializers.CharField()
    provisional = serializers.BooleanField()


class ScreenOut(serializers.Serializer):
    """Documentation of the response; the body is built by `screen_out`."""

    id = serializers.IntegerField()
    patient = serializers.IntegerField()
    performed_on = serializers.DateField()
    pain_nprs = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()
    injury_history = InjuryHistoryIn(many=True)
    signs = serializers.ListField(child=serializers.CharField())
    measurements = serializers.DictField(
        help_text="{key: {left, right}}; units: "
        + ", ".join(f"{m.key} {m.unit or 'pass|fail'}" for m in schema.MEASURES)
    )
    gait = serializers.DictField()
    proms = serializers.DictField()
    red_flags = serializers.ListField(child=serializers.ChoiceField(schema.RED_FLAGS))
    ottawa = OttawaIn()
    night_pain = serializers.BooleanField(allow_null=True)
    focal_bone_tenderness = FocalBoneTendernessIn()
    hop_pain_nprs = HopPainIn()
    hop_pain_site = HopPainSiteIn()
    findings = FindingOut(many=True)
    change = serializers.DictField(
        allow_null=True,
        required=False,
        help_text="Detail only: change per measurement since the previous screen; "
        "real_change is true only beyond the measurement error (docs/clinical-rules.md §3).",
    )
    history = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Detail only: every later change (who, when, each column before and after).",
    )
    created_by = serializers.DictField(allow_null=True)
    updated_by = serializers.DictField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("patient", int, description="Only this patient's screens"),
            OpenApiParameter("date", str, description="performed_on, YYYY-MM-DD"),
            OpenApiParameter("date_from", str, description="performed_on on or after"),
            OpenApiParameter("date_to", str, description="performed_on on or before"),
        ],
        responses=ScreenOut(many=True),
    ),
    retrieve=extend_schema(responses=ScreenOut),
    create=extend_schema(request=ScreenIn, responses={201: ScreenOut}),
    partial_update=extend_schema(request=ScreenUpdateIn, responses=ScreenOut),
)
class ScreenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Screens of the user's clinic (clinicians, admins); a patient reads only their own."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = ScreenOut

    def get_permissions(self):
        if self.action in ("create", "partial_update"):
            return [CanWrite()]
        return [CanRead()]

    def get_queryset(self):
        return selectors.screens_visible_to(self.request.user)

    def _filters(self) -> dict:
        params, parsed = self.request.query_params, {}
        fields = {
            "patient": serializers.IntegerField(),
            "performed_on": serializers.DateField(),
            "performed_from": serializers.DateField(),
            "performed_to": serializers.DateField(),
        }
        names = {"patient": "patient", "date": "performed_on"}
        names |= {"date_from": "performed_from", "date_to": "performed_to"}
        errors = {}
        for param, name in names.items():
            if params.get(param):
                try:
                    parsed[name] = fields[name].run_validation(params[param])
                except serializers.ValidationError as exc:
                    errors[param] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return parsed

    def list(self, request, *args, **kwargs):
        screens = selectors.screen_list(user=request.user, **self._filters())
        page = self.paginate_queryset(screens)
        rows = page if page is not None else list(screens)
        by_clinic: dict[int, object] = {}
        body = []
        for screen in rows:
            if screen.clinic_id not in by_clinic:
                by_clinic[screen.clinic_id] = selectors.clinic_thresholds(screen.clinic_id)
            found = selectors.screen_findings(screen, by_clinic[screen.clinic_id])
            body.append(screen_out(screen, found))
        if page is not None:
            return self.get_paginated_response(body)
        return Response(body)

    def retrieve(self, request, *args, **kwargs):
        screen = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        access_record(user=request.user, obj=screen, detail="api")
        detail = selectors.screen_detail(screen=screen)
        return Response(screen_out(screen, detail.findings, detail))

    def create(self, request, *args, **kwargs):
        clinic = membership_of(request.user).clinic
        data = ScreenIn(data=request.data, clinic=clinic)
        data.is_valid(raise_exception=True)
        screen = services.screen_create(
            user=request.user,
            clinic=clinic,
            patient=data.validated_data["patient"],
            **to_columns(data.validated_data),
        )
        return self._detail_response(screen, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        screen = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        data = ScreenUpdateIn(data=request.data, screen=screen, partial=True)
        data.is_valid(raise_exception=True)
        screen = services.screen_update(
            user=request.user, screen=screen, **to_columns(data.validated_data)
        )
        return self._detail_response(screen, status.HTTP_200_OK)

    def _detail_response(self, screen: Screen, code: int) -> Response:
        screen = self.get_queryset().get(pk=screen.pk)
        detail = selectors.screen_detail(screen=screen)
        return Response(screen_out(screen, detail.findings, detail), status=code)
