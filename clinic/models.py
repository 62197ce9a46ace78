"""People and tenancy: users keyed by e-mail, clinics, staff roles and patients."""

import zoneinfo
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from .phones import validate_region


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)r is not a known time zone (e.g. America/New_York).") % {"value": value}
        )


def validate_time_zone_or_blank(value: str) -> None:
    if value:
        validate_time_zone(value)


# Titles people put before their name; a greeting skips them to reach the first name.
HONORIFICS = frozenset({"dr", "prof", "mr", "mrs", "ms", "miss", "mx", "sir", "dame"})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # E-mail addresses are matched without regard to case.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: staff of a clinic or a patient. The e-mail is the login."""

    email = models.EmailField("e-mail", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Can sign in to the Django admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # A new password signs the user out everywhere: other browser sessions stop matching
        # the session hash (Django), and API tokens are deleted here.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            Token.objects.filter(user=self).delete()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        """The first name for greetings: "Dr. Sam Carter" is greeted as "Sam", not "Dr."."""
        words = self.full_name.split()
        while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
            words = words[1:]
        return words[0] if words else self.email


class Clinic(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    address = models.TextField(blank=True)
    # Phone numbers typed without +country code are read as this country's (clinic/phones.py).
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[validate_region],
        help_text="Two-letter code, e.g. US. Blank: the server's default (PHONE_DEFAULT_REGION).",
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> date:
        """The date on the clinic's wall now. The server runs in UTC, whose date is already
        tomorrow's during a New York evening: every "today" of the clinic comes from here."""
        return timezone.localdate(timezone=self.tz)


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", _("Clinic admin")
    CLINICIAN = "clinician", _("Clinician")
    FRONT_DESK = "front_desk", _("Front desk")


class StaffMembership(models.Model):
    """A staff user's place in one clinic and the role they hold there."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=80, blank=True, help_text="e.g. PT, DPT")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "user__full_name"]
        indexes = [models.Index(fields=["clinic", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class Units(models.TextChoices):
    # clinic/units.py converts; every rule keeps computing in km, metres and centimetres.
    METRIC = "metric", _("Kilometres and centimetres")
    IMPERIAL = "imperial", _("Miles and inches")


class Patient(models.Model):
    PATIENT_LOOKUP = "pk"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient_profile"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    # Both may be missing for a patient who booked online; staff fill them in at the first visit.
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    email = models.EmailField(blank=True)
    # E.164 (clinic/phones.py); a number stored before that rule that could not be read is
    # kept as typed, shown as needing a fix, and never texted.
    phone = models.CharField(max_length=40, blank=True)
    intake_notes = models.TextField(
        blank=True, help_text="What the patient told us when booking (what hurts, running, goals)."
    )
    # The one zone every date and time this patient sees or is sent is in (pages, printouts,
    # messages, the morning check-in); blank for the clinic's.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone_or_blank],
        help_text="Blank: the clinic's time zone.",
    )
    # Chosen by the patient (PATCH /api/v1/me/, their settings page) or by staff.
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    units = models.CharField(max_length=8, choices=Units.choices, default=Units.METRIC)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                "clinic",
                Lower("email"),
                condition=~models.Q(email=""),
                name="patient_email_unique_per_clinic",
                violation_error_message="Another patient of this clinic has this e-mail.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day) -> int | None:
        dob = self.date_of_birth
        if dob is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(self.clinic.today())

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The patient's own time zone, else the clinic's (reads the clinic unless loaded)."""
        return zoneinfo.ZoneInfo(self.time_zone) if self.time_zone else self.clinic.tz

    def today(self) -> date:
        """The date on the patient's wall now: the day their drills, log and check-in are of."""
        return timezone.localdate(timezone=self.tz)
