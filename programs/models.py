"""Drill library, home programs, their items and the history of every change."""

import copy
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Patient

from . import patient_text
from .ladders import LADDERS

_SIDES_OF = {"left": ("left",), "right": ("right",), "both": ("left", "right")}


# Choice order is the session order of docs/clinical-rules.md §1 (drills.CATEGORY_ORDER; a
# test checks).
class DrillCategory(models.TextChoices):
    SOFT_TISSUE = "soft-tissue", "Soft tissue"
    MOBILITY = "mobility", "Mobility"
    FOOT_INTRINSIC = "foot-intrinsic", "Foot intrinsic"
    STRENGTH = "strength", "Strength"
    BALANCE = "balance-neuromotor", "Balance and neuromotor"
    PLYOMETRIC = "plyometric", "Plyometric"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Drill(models.Model):
    """A drill of the shipped library (clinic is null) or one a clinic added itself."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="custom_drills"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=20, choices=DrillCategory.choices)
    target_deficits = models.JSONField(default=list, blank=True)
    equipment = models.JSONField(default=list, blank=True)
    seeds = models.JSONField(default=list, blank=True, help_text="Seed articles naming it")
    default_sets = models.PositiveSmallIntegerField(default=2)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    default_dose = models.CharField(max_length=200, blank=True)
    precautions = models.TextField(blank=True)
    instructions = models.JSONField(default=list, blank=True, help_text="Numbered steps")
    cues = models.JSONField(default=list, blank=True)
    # How the drill is done in a named variant (catalogue.VariantSpec as a dict); the item's
    # variant text picks one (docs/clinical-rules.md §10).
    variants = models.JSONField(default=list, blank=True)
    # The patient's text in other languages (issue 22): {"es": {"name", "dose", "precautions",
    # "instructions", "cues", "variants": [one per variant, in order]}}, the shape of
    # programs/drills/catalogue_es.py; a missing field reads the English one.
    translations = models.JSONField(default=dict, blank=True)
    unilateral = models.BooleanField(default=True)
    prescribable = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="drill_library_slug_unique"
            ),
            models.UniqueConstraint(fields=["clinic", "slug"], name="drill_clinic_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_library(self) -> bool:
        return self.clinic_id is None

    def text_in(self, language: str) -> dict:
        """The drill's patient text in `language` ({} for English or none written)."""
        return (self.translations or {}).get(language) or {}


class HiddenDrill(models.Model):
    """A library drill a clinic does not use: left out of its library list and search."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="hidden_drills")
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "drill"], name="hidden_drill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.drill_id} hidden in {self.clinic_id}"


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")


class DrillMedia(models.Model):
    """A picture or short video a clinic shows with a drill (issue 19), on the patient's drill
    card, the printout and the API. It belongs to the clinic that uploaded it: a library drill
    shared by every clinic shows each clinic its own media only.

    `file` holds a name in the default storage (settings.STORAGES); images are stored as
    re-encoded by programs.media, never as uploaded."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="drill_media")
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=5, choices=MediaKind.choices)
    file = models.FileField(max_length=200)
    content_type = models.CharField(max_length=40)
    alt = models.CharField(max_length=200, blank=True, help_text="Required for images")
    caption = models.CharField(max_length=300, blank=True)
    # Alt text and caption in other languages (issue 22): {"es": {"alt": ..., "caption": ...}}.
    translations = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["drill", "clinic"], name="drill_media_drill_clinic")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="image") | ~Q(alt=""), name="drill_media_image_has_alt"
            ),
            models.UniqueConstraint(fields=["file"], name="drill_media_file_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.drill_id} ({self.clinic_id})"

    def in_language(self, language: str) -> "DrillMedia":
        """A copy to show, with the alt text and caption in `language` where written (the
        English otherwise). Never saved: the row keeps its English."""
        spoken = (self.translations or {}).get(language) or {}
        if not spoken:
            return self
        shown = copy.copy(self)
        shown.alt = spoken.get("alt") or self.alt
        shown.caption = spoken.get("caption") or self.caption
        return shown

    @property
    def app_url(self) -> str:
        """The app's own address of the file (programs.views.media_file)."""
        return reverse("drill_media_file", args=[self.file.name])

    @property
    def url(self) -> str:
        """Where pages and the API point: the app's view, or the storage's URL when
        DRILL_MEDIA_VIA_APP is off."""
        return self.app_url if settings.DRILL_MEDIA_VIA_APP else self.file.url


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    PAUSED = "paused", _("Paused")
    SUPERSEDED = "superseded", _("Superseded")


class Program(models.Model):
    """One version of a patient's home program; publishing a new one supersedes the old."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="programs")
    # No index of its own: the (patient, version) constraint's index serves every lookup by
    # patient, and with a second one the planner, short of fresh statistics, may pick it and
    # sort all of a patient's versions to find the newest (see program_build_from_screen).
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="programs", db_index=False
    )
    screen = models.ForeignKey(
        "assessments.Screen",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
    )
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    version = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    # What the engine said beside the items: red flags, review findings, modifiers, trims.
    flags = models.JSONField(default=list, blank=True)
    modifiers = models.JSONField(default=list, blank=True)
    # {"left": {"drill slug": "M-AT-INS"}, ...}: drills a modifier or gate forbids on a side.
    exclusions = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The day the patient started this program (its first published version); versions the
    # progression engine writes keep it, so adherence counts from the real start.
    started_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="program_version_unique"),
            # The database itself refuses a second published program for one patient.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="published"),
                name="program_one_published_per_patient",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "patient", "status"])]

    def __str__(self) -> str:
        return f"Program v{self.version} of {self.patient_id} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == ProgramStatus.DRAFT


MAX_TIMES_PER_DAY = 6


class ProgramItem(models.Model):
    CLINIC_LOOKUP = "program__clinic"
    PATIENT_LOOKUP = "program__patient"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_s = models.PositiveSmallIntegerField(null=True, blank=True)
    load_note = models.CharField(max_length=300, blank=True)
    days_per_week = models.PositiveSmallIntegerField(default=3)
    order = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    finding = models.CharField(max_length=40, blank=True)
    rule = models.CharField(max_length=20, blank=True)
    ladder = models.CharField(max_length=20, blank=True)
    rung = models.PositiveSmallIntegerField(null=True, blank=True)
    variant = models.CharField(max_length=120, blank=True)
    times_per_day = models.PositiveSmallIntegerField(default=1)  # on each drill day
    # The reason in the patient's words (docs/clinical-rules.md §1, plain words); `reason`
    # keeps the clinician's evidence and rule.
    patient_reason = models.TextField(blank=True)
    # The drill's text in the other languages as it was when the item was made, with the
    # engine's reason in them: {"es": {...Drill.translations["es"], "patient_reason": ...}}.
    # A published program keeps its words when the library changes (issue 22).
    translations = models.JSONField(default=dict, blank=True)
    # --- what progression keeps between versions (programs.progression_rules.ItemState) ---
    # The same drill across versions of one program shares a lineage, so its logs follow it.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    load_pct = models.FloatField(default=0.0)  # added load, % above the rung's unloaded dose
    dose_since = models.DateField(null=True, blank=True)  # None: since the program started
    no_progress_until = models.DateField(null=True, blank=True)
    last_progress = models.DateField(null=True, blank=True)
    regressions = models.JSONField(default=list, blank=True)  # ISO days it was stepped down
    cleared_on = models.DateField(null=True, blank=True)  # a clinician cleared a stop that day
    paused = models.BooleanField(default=False)  # T-STOP: this drill waits for the clinician
    pause_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=10), name="program_item_sets_range"
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1, days_per_week__lte=7),
                name="program_item_days_range",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(hold_s__isnull=False),
                name="program_item_reps_or_hold",
            ),
            models.CheckConstraint(
                condition=Q(times_per_day__gte=1, times_per_day__lte=MAX_TIMES_PER_DAY),
                name="program_item_times_per_day_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drill_id} ({self.side})"

    # --- what the patient reads (programs.patient_text, docs/clinical-rules.md §1, §10) ---

    # The language the words below are in: not a column, the reader's, set on loaded items by
    # selectors.read_in (the patient's Patient.language) before anything reads them.
    language = patient_text.ENGLISH

    def text_in(self, language: str) -> dict:
        """The item's text in `language`: its snapshot, else (an item older than snapshots,
        or a clinic's drill that had no such text then) the drill's own today."""
        if language == patient_text.ENGLISH:
            return {}
        return (self.translations or {}).get(language) or self.drill.text_in(language)

    @cached_property
    def how_to(self) -> patient_text.HowTo:
        """Name, steps, tips and precautions that match the item's variant, in the reader's
        language (each missing string in English)."""
        drill = self.drill
        return patient_text.how_to(
            name=drill.name,
            instructions=drill.instructions,
            cues=drill.cues,
            precautions=drill.precautions,
            variants=drill.variants,
            variant=self.variant,
            translation=self.text_in(self.language),
        )

    @property
    def patient_variant(self) -> str:
        return patient_text.plain_variant(self.variant, self.language)

    @property
    def patient_why(self) -> str:
        """Why, in the patient's words: the engine's sentence, the clinician's own words for a
        drill they added, or the rule's sentence for an item older than patient sentences."""
        if self.language != patient_text.ENGLISH:
            spoken = (self.translations or {}).get(self.language, {}).get("patient_reason")
            if spoken:
                return spoken
        if self.patient_reason:
            return self.patient_reason
        if not self.rule:
            return self.reason
        return patient_text.rule_sentence(self.rule, _SIDES_OF[self.side], self.language)

    @property
    def patient_pause_reason(self) -> str:
        """Why a drill the engine paused waits, in the reader's language: the engine's own
        English sentence (`pause_reason`, with its why) for an English reader, else a sentence
        in the reader's language (issue 22)."""
        if self.language == patient_text.ENGLISH and self.pause_reason:
            return self.pause_reason
        return patient_text.paused_sentence(self.how_to.name, self.language)

    @property
    def times_words(self) -> str:
        return patient_text.times_words(self.times_per_day, self.language)

    @property
    def patient_load_note(self) -> str:
        """The load note in the reader's language when the progression engine wrote it (the
        added load in words); a clinician's own note as written."""
        if (
            self.language != patient_text.ENGLISH
            and self.load_pct > 0
            and self.load_note == patient_text.load_sentence(self.load_pct)
        ):
            return patient_text.load_sentence(self.load_pct, self.language)
        return self.load_note

    @property
    def media(self) -> list[DrillMedia]:
        """The drill's pictures and video of the program's clinic, in order. The selectors
        load them with the items (`clinic_media`); read alone, one query."""
        drill = self.drill
        if hasattr(drill, "clinic_media"):
            media = drill.clinic_media
        else:
            media = list(
                DrillMedia.objects.filter(drill_id=drill.pk, clinic_id=self.program.clinic_id)
            )
        if self.language == patient_text.ENGLISH:
            return media
        return [medium.in_language(self.language) for medium in media]

    @property
    def ladder_steps(self) -> int | None:
        """How many rungs the drill's ladder has (None off a ladder), for the progress bar."""
        ladder = LADDERS.get(self.ladder) if self.ladder and self.rung else None
        return len(ladder.rungs) if ladder is not None else None


class ChangeSource(models.TextChoices):
    ENGINE = "engine", _("Prescription engine")
    CLINICIAN = "clinician", _("Clinician")
    PROGRESSION = "progression", _("Progression engine")


class ChangeReview(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    UNDONE = "undone", _("Undone")
    OVERRIDDEN = "overridden", _("Overridden")


# Staff words for a change's action (worklist, chart); lazily translated.
ACTION_LABELS = {
    "progressed": _("Stepped up"),
    "regressed": _("Stepped down"),
    "drill_paused": _("Drill paused"),
    "undone": _("Undone"),
    "overridden": _("New dose by the clinician"),
    "resumed": _("Resumed"),
}


class ProgramChange(models.Model):
    """One line of a program's history: what changed, who or what changed it, and why."""

    CLINIC_LOOKUP = "program__clinic"
    PATIENT_LOOKUP = "program__patient"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=ChangeSource.choices)
    action = models.CharField(max_length=20)  # built, added, removed, redosed, reordered, ...
    drill = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Automatic changes wait for a clinician: accepted, undone or overridden.
    review = models.CharField(max_length=12, choices=ChangeReview.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.drill} (v{self.version}, {self.source})"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


class SessionLog(models.Model):
    """One day's session of a patient's program; the same day's log may be edited."""

    CLINIC_LOOKUP = "program__clinic"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="session_logs")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="session_logs")
    date = models.DateField()
    # The idempotency key of the request that last wrote this log (an offline log sent again
    # when the connection returns must not be written twice); unique per patient.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="session_log_program_date"),
            models.UniqueConstraint(
                fields=["patient", "client_id"], name="session_log_patient_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.date} of program {self.program_id}"


class SessionItemLog(models.Model):
    """How one drill went in a logged session."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="items")
    program_item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="logs")
    completed_sets = models.PositiveSmallIntegerField()
    pain_during = models.PositiveSmallIntegerField()
    difficulty = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "program_item"], name="session_item_log_unique"
            ),
            models.CheckConstraint(
                condition=Q(pain_during__lte=10, difficulty__lte=10),
                name="session_item_log_scores_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_item_id} in session {self.session_id}"


MAX_RUN_KM_WEEK = 400
MAX_STIFFNESS_MIN = 1440  # morning stiffness, minutes: a whole day at most


class CheckIn(models.Model):
    """The next-morning check-in (docs/clinical-rules.md §7): pain now, "still sore from the
    last session?", first-step pain (plantar heel pain) or morning stiffness (Achilles), and
    red-flag answers. `soreness_hours` is what check-ins asked before "still sore?"."""

    CLINIC_LOOKUP = "program__clinic"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="checkins")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="checkins")
    date = models.DateField()
    pain_next_morning = models.PositiveSmallIntegerField()
    soreness_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    still_sore = models.BooleanField(null=True, blank=True)  # None: not asked (older check-ins)
    first_step_pain = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-10
    morning_stiffness_min = models.PositiveSmallIntegerField(null=True, blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    # Optional: km run over the 7 days before the check-in (R-LOAD-1 looks for spikes).
    run_km_week = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_next_morning__lte=10), name="checkin_pain_range"
            ),
            models.CheckConstraint(
                condition=Q(first_step_pain__isnull=True) | Q(first_step_pain__lte=10),
                name="checkin_first_step_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(morning_stiffness_min__isnull=True)
                | Q(morning_stiffness_min__lte=MAX_STIFFNESS_MIN),
                name="checkin_stiffness_range",
            ),
            models.CheckConstraint(
                condition=Q(run_km_week__isnull=True)
                | Q(run_km_week__gte=0, run_km_week__lte=MAX_RUN_KM_WEEK),
                name="checkin_run_km_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.date} of program {self.program_id}"


class RunFormat(models.TextChoices):
    FIT = "fit", "FIT"
    TCX = "tcx", "TCX"
    GPX = "gpx", "GPX"


class Run(models.Model):
    """One run uploaded from the patient's watch (programs.runs reads the file). Only the
    summary is kept: the file and its GPS track are never stored. `sha256` is the file's hash:
    the same file sent twice is one run."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="runs")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()  # on the clinic's wall
    start_time = models.DateTimeField()
    distance_m = models.PositiveIntegerField()
    duration_s = models.PositiveIntegerField()
    cadence_spm = models.PositiveSmallIntegerField(null=True, blank=True)  # steps/min, both feet
    elevation_gain_m = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    source_format = models.CharField(max_length=3, choices=RunFormat.choices)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["patient", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["patient", "sha256"], name="run_file_once_per_patient")
        ]

    def __str__(self) -> str:
        return f"Run {self.date} of patient {self.patient_id}"

    @property
    def pace_s_per_km(self) -> float | None:
        return round(self.duration_s * 1000 / self.distance_m, 1) if self.distance_m else None

    @property
    def km(self) -> float:
        return self.distance_m / 1000

    @property
    def duration_text(self) -> str:
        """ "48:05" or "1:02:30"."""
        hours, rest = divmod(self.duration_s, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def pace_text(self) -> str:
        """ "5:12 /km", or "" without a distance."""
        pace = self.pace_s_per_km
        if pace is None:
            return ""
        minutes, seconds = divmod(round(pace), 60)
        return f"{minutes}:{seconds:02d} /km"


class SelfTestKind(models.TextChoices):
    KNEE_TO_WALL = "knee_to_wall_cm", _("Knee to wall (cm)")
    BALANCE_EYES_OPEN = "balance_eyes_open_s", _("Single-leg balance, eyes open (s)")
    BALANCE_EYES_CLOSED = "balance_eyes_closed_s", _("Single-leg balance, eyes closed (s)")
    HEEL_RAISES = "heel_raise_reps", _("Single-leg heel raises (reps)")


# The valid range of each home self-test, per side (inclusive).
SELF_TEST_RANGES = {
    SelfTestKind.KNEE_TO_WALL: (0, 20),
    SelfTestKind.BALANCE_EYES_OPEN: (0, 120),
    SelfTestKind.BALANCE_EYES_CLOSED: (0, 120),
    SelfTestKind.HEEL_RAISES: (0, 100),
}


class SelfTest(models.Model):
    """A test the patient did at home, per side. Kept apart from the clinic's screen
    measurements: done without a clinician, it has a larger measurement error."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="self_tests")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    test = models.CharField(max_length=30, choices=SelfTestKind.choices)
    left = models.DecimalField(max_digits=5, decimal_places=1)
    right = models.DecimalField(max_digits=5, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["patient", "test", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__gte=0, right__gte=0, left__lte=120, right__lte=120),
                name="self_test_value_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.date} of patient {self.patient_id}"


class SelfTestRequestSource(models.TextChoices):
    EVERY_2_WEEKS = "every_2_weeks", "Every two weeks during the program"
    CLINICIAN = "clinician", "Asked by the clinician"


class SelfTestRequest(models.Model):
    """The patient is asked for home self-tests (docs/clinical-rules.md §7): every two weeks
    while a program is published, or when the clinician asks. Open until the patient records
    a self-test on or after the day it was asked (`done_at`); one open request per patient."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="self_test_requests"
    )
    due_on = models.DateField()  # on the clinic's wall
    source = models.CharField(max_length=20, choices=SelfTestRequestSource.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["patient", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(done_at__isnull=True),
                name="self_test_request_one_open_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"Self-test request {self.due_on} of patient {self.patient_id}"


class ReportShare(models.Model):
    """A link the patient made to share their progress report with a referring doctor, who
    opens it without signing in. The URL's secret is derived from `nonce` with the server's
    SECRET_KEY (the database alone never holds a working URL) and `secret_hash` is what a
    request is compared against; it carries no patient data. It works until `expires_at`,
    or until the patient revokes it (`revoked_at`). Every opening is in the audit trail."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="report_shares")
    nonce = models.CharField(max_length=64)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    opened_count = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "expires_at"])]

    def __str__(self) -> str:
        return f"Report share {self.pk} of patient {self.patient_id}"
