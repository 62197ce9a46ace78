"""Screens (per-side measurements, gait, signs, history, PROMs), their edit log, thresholds.

Units are part of every column name or its help text; ranges live in `assessments.schema`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext

from clinic.models import Clinic, Patient

from . import instruments, schema, thresholds


def _choices(values) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


def _range(low, high) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _cm(help_text: str, high: int) -> models.DecimalField:
    return models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(0, high),
        help_text=help_text,
    )


def _int(help_text: str, low: int, high: int) -> models.SmallIntegerField:
    return models.SmallIntegerField(
        null=True, blank=True, validators=_range(low, high), help_text=help_text
    )


def _pass_fail(help_text: str) -> models.CharField:
    return models.CharField(
        max_length=4, choices=_choices(schema.PASS_FAIL), blank=True, help_text=help_text
    )


def _flag(help_text: str) -> models.BooleanField:
    return models.BooleanField(null=True, blank=True, help_text=help_text)


class Screen(models.Model):
    """One gait and mobility screen. A null value means "not tested" (the rules then skip it)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="screens")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screens")
    performed_on = models.DateField()
    pain_nprs = _int("Pain today, NPRS 0-10", 0, 10)
    notes = models.TextField(blank=True)

    # Per-side measurements (docs/clinical-rules.md §3 and §2).
    knee_to_wall_cm_left = _cm("Weight-bearing lunge, toe-to-wall cm, 0-25", 25)
    knee_to_wall_cm_right = _cm("Weight-bearing lunge, toe-to-wall cm, 0-25", 25)
    heel_raise_reps_left = _int("Single-leg heel raise, repetitions, 0-100", 0, 100)
    heel_raise_reps_right = _int("Single-leg heel raise, repetitions, 0-100", 0, 100)
    heel_raise_pain_left = _int("Pain during the heel-raise test, NPRS 0-10", 0, 10)
    heel_raise_pain_right = _int("Pain during the heel-raise test, NPRS 0-10", 0, 10)
    balance_eyes_open_s_left = _cm("Single-leg balance eyes open, seconds, 0-120", 120)
    balance_eyes_open_s_right = _cm("Single-leg balance eyes open, seconds, 0-120", 120)
    balance_eyes_closed_s_left = _cm("Single-leg balance eyes closed, seconds, 0-120", 120)
    balance_eyes_closed_s_right = _cm("Single-leg balance eyes closed, seconds, 0-120", 120)
    y_balance_anterior_cm_left = _cm("Y-balance anterior reach, cm, 0-150", 150)
    y_balance_anterior_cm_right = _cm("Y-balance anterior reach, cm, 0-150", 150)
    navicular_drop_mm_left = _cm("Navicular drop, mm, 0-25", 25)
    navicular_drop_mm_right = _cm("Navicular drop, mm, 0-25", 25)
    foot_posture_index_left = _int("FPI-6 total, -12 to +12", -12, 12)
    foot_posture_index_right = _int("FPI-6 total, -12 to +12", -12, 12)
    hallux_extension_deg_left = _int("First MTP dorsiflexion, degrees, 0-110", 0, 110)
    hallux_extension_deg_right = _int("First MTP dorsiflexion, degrees, 0-110", 0, 110)
    short_foot_left = _pass_fail("Short foot held 5 s without toe curling")
    short_foot_right = _pass_fail("Short foot held 5 s without toe curling")
    toe_yoga_left = _pass_fail("Toe yoga, both directions, 3 s each")
    toe_yoga_right = _pass_fail("Toe yoga, both directions, 3 s each")

    # Running gait (docs/clinical-rules.md §12).
    cadence_spm = _int("Steps per minute at easy pace, 120-230", 120, 230)
    speed_kmh = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(0, 40),
        help_text="Treadmill or running speed at which gait was observed, km/h",
    )
    foot_strike_left = models.CharField(
        max_length=4, choices=_choices(schema.FOOT_STRIKES), blank=True
    )
    foot_strike_right = models.CharField(
        max_length=4, choices=_choices(schema.FOOT_STRIKES), blank=True
    )
    overstride = _flag("Foot lands well ahead of the knee/centre of mass")
    heel_lift = models.CharField(max_length=6, choices=_choices(schema.HEEL_LIFTS), blank=True)
    arch_collapse_left = _flag("Arch collapses in stance")
    arch_collapse_right = _flag("Arch collapses in stance")
    pelvic_drop_left = _flag("Contralateral pelvic drop in stance on this side")
    pelvic_drop_right = _flag("Contralateral pelvic drop in stance on this side")
    knee_valgus_left = _flag("Knee falls inward in stance")
    knee_valgus_right = _flag("Knee falls inward in stance")

    # Intake red flags (docs/clinical-rules.md §8): answer codes of schema.RED_FLAGS, the Ottawa
    # rules after a fall or twist, night pain, focal bony tenderness and the 10-hop test.
    red_flags = models.JSONField(default=list, blank=True)
    ottawa_malleolar_left = _flag(schema.OTTAWA_LABELS["malleolar"])
    ottawa_malleolar_right = _flag(schema.OTTAWA_LABELS["malleolar"])
    ottawa_midfoot_left = _flag(schema.OTTAWA_LABELS["midfoot"])
    ottawa_midfoot_right = _flag(schema.OTTAWA_LABELS["midfoot"])
    ottawa_four_steps_left = _flag(schema.OTTAWA_LABELS["four_steps"])
    ottawa_four_steps_right = _flag(schema.OTTAWA_LABELS["four_steps"])
    night_pain = _flag("Night or rest pain")
    focal_bone_tenderness_left = _flag("Focal tenderness on a bone (shin, foot) on palpation")
    focal_bone_tenderness_right = _flag("Focal tenderness on a bone (shin, foot) on palpation")
    hop_pain_nprs_left = _int("Pain during 10 single-leg hops, NPRS 0-10", 0, 10)
    hop_pain_nprs_right = _int("Pain during 10 single-leg hops, NPRS 0-10", 0, 10)
    hop_pain_site_left = models.CharField(
        max_length=5, choices=_choices(schema.HOP_PAIN_SITES), blank=True
    )
    hop_pain_site_right = models.CharField(
        max_length=5, choices=_choices(schema.HOP_PAIN_SITES), blank=True
    )

    # Observed signs (codes of schema.SIGNS) and injury history; validated by the services.
    signs = models.JSONField(default=list, blank=True)
    injury_history = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"condition", "side", "status", "onset_date" (YYYY-MM-DD, optional)}]; '
        "an acute sprain expires 14 days after its onset date (docs/clinical-rules.md §6)",
    )

    # Patient-reported outcome measures, each with the date it was completed.
    lefs = _int("Lower Extremity Functional Scale, 0-80", 0, 80)
    lefs_on = models.DateField(null=True, blank=True)
    faam_adl_pct = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(0, 100),
        help_text="FAAM activities of daily living, %",
    )
    faam_adl_on = models.DateField(null=True, blank=True)
    faam_sport_pct = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_range(0, 100),
        help_text="FAAM sports subscale, %",
    )
    faam_sport_on = models.DateField(null=True, blank=True)
    visa_a = _int("VISA-A, 0-100 (100 = no symptoms)", 0, 100)
    visa_a_on = models.DateField(null=True, blank=True)

    # Audit.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-performed_on", "-id"]
        indexes = [
            models.Index(fields=["clinic", "patient", "performed_on"]),
            models.Index(fields=["clinic", "performed_on"]),
        ]

    def __str__(self) -> str:
        return f"Screen of {self.patient_id} on {self.performed_on}"

    def side_value(self, key: str, side: str):
        return getattr(self, f"{key}_{side}")


class ClinicThresholds(models.Model):
    """A clinic's overrides of the default threshold table (assessments.thresholds)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="thresholds")
    overrides = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "clinic thresholds"

    def __str__(self) -> str:
        return f"Thresholds of {self.clinic}"

    def clean(self) -> None:
        if not isinstance(self.overrides, dict):
            raise ValidationError(
                {"overrides": gettext("Overrides must be an object of key: number.")}
            )
        try:
            self.overrides = thresholds.validate_overrides(self.overrides)
        except thresholds.ThresholdError as exc:
            raise ValidationError({"overrides": gettext(exc.template) % exc.params}) from exc


class ScreenChange(models.Model):
    """One save of a screen after it was created: who, when, and each column's old and new value."""

    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    # {"knee_to_wall_cm_left": ["7.5", "9.0"], ...}: values as text, before and after.
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Change to screen {self.screen_id} at {self.changed_at:%Y-%m-%d %H:%M}"


class QuestionnaireSource(models.TextChoices):
    INTAKE = "intake", "At intake"
    EVERY_4_WEEKS = "every_4_weeks", "Every 4 weeks during a program"
    DISCHARGE = "discharge", "At discharge"
    CLINICIAN = "clinician", "Asked by the clinician"


class QuestionnaireStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"


class QuestionnaireAssignment(models.Model):
    """One questionnaire (an instrument of assessments.instruments) the patient is asked to
    fill in. At most one of each instrument is pending per patient: asking again while one
    waits keeps the one already there."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaires")
    instrument = models.CharField(
        max_length=20,
        choices=[(code, instrument.name) for code, instrument in instruments.INSTRUMENTS.items()],
    )
    due_on = models.DateField(
        help_text="The day, on the patient's own calendar, from which it is asked"
    )
    status = models.CharField(
        max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.PENDING
    )
    source = models.CharField(max_length=20, choices=QuestionnaireSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["patient", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument"],
                condition=models.Q(status="pending"),
                name="questionnaire_one_pending_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for patient {self.patient_id} ({self.status})"


class QuestionnaireResponse(models.Model):
    """The patient's answers to one assignment and the score the instrument's rule gives
    (null when the publication's rule leaves it unscored, e.g. too many FAAM items N/A)."""

    assignment = models.OneToOneField(
        QuestionnaireAssignment, on_delete=models.CASCADE, related_name="response"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    instrument = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    answered = models.PositiveSmallIntegerField(default=0)
    not_scored_reason = models.CharField(max_length=200, blank=True)
    completed_at = models.DateTimeField()
    completed_on = models.DateField(help_text="Clinic-local day of completion")

    class Meta:
        ordering = ["completed_at", "id"]
        indexes = [models.Index(fields=["patient", "instrument", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.instrument} = {self.score} for patient {self.patient_id}"
