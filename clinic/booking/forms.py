"""Forms of booking: the front desk's booking, move and cancel forms; the public booking and
waitlist forms."""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time

from django import forms
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.forms import DateInput, phone_field_clean
from clinic.models import Clinic, Sex
from clinic.phones import region_of

from . import series as repeat
from .models import AppointmentType, BookingSettings

FORM_STARTED_SALT = "groundwork.booking.form-started"
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 2 * 60 * 60


class TimeInput(forms.TimeInput):
    input_type = "time"


def form_started_token() -> str:
    """A signed note of when the public form was shown; a bot that posts at once fails it."""
    return signing.dumps(int(clock.time()), salt=FORM_STARTED_SALT)


def seconds_since(token: str) -> float | None:
    try:
        started = signing.loads(token, salt=FORM_STARTED_SALT)
    except signing.BadSignature:
        return None
    return clock.time() - started if isinstance(started, int) else None


def combine_local(clinic: Clinic, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=clinic.tz)


class StaffBookingForm(forms.Form):
    """Book for an existing patient (search) or a new one (name and e-mail: found or added)."""

    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label=_("Type")
    )
    clinician = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Clinician")
    )
    day = forms.DateField(widget=DateInput(), label=_("Day"))
    start_time = forms.TimeField(widget=TimeInput(attrs={"step": 300}), label=_("Start"))
    patient = forms.IntegerField(required=False, widget=forms.HiddenInput())
    name = forms.CharField(max_length=150, required=False, label=_("New patient: full name"))
    email = forms.EmailField(required=False, label=_("New patient: e-mail"))
    phone = forms.CharField(max_length=40, required=False, label=_("Phone"))
    date_of_birth = forms.DateField(required=False, widget=DateInput(), label=_("Date of birth"))
    sex = forms.ChoiceField(choices=[("", "—"), *Sex.choices], required=False, label=_("Sex"))
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Notes")
    )
    repeat_every = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Repeat"),
        choices=[
            ("", _("Does not repeat")),
            (1, _("Every week")),
            (2, _("Every 2 weeks")),
            (3, _("Every 3 weeks")),
            (4, _("Every 4 weeks")),
        ],
    )
    repeat_count = forms.IntegerField(
        required=False, min_value=2, max_value=repeat.MAX_OCCURRENCES, label=_("Times")
    )
    repeat_until = forms.DateField(required=False, widget=DateInput(), label=_("Or until"))

    def __init__(self, *args, clinic: Clinic, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["appointment_type"].queryset = AppointmentType.objects.filter(
            clinic=clinic, is_active=True
        )
        self.fields["clinician"].choices = [("", _("Any clinician"))] + [
            (c.pk, c.full_name or c.email) for c in clinicians
        ]

    def clean_phone(self) -> str:
        return phone_field_clean(self.cleaned_data["phone"], region_of(self.clinic))

    def clean(self):
        data = super().clean()
        if data.get("repeat_every") and (
            (data.get("repeat_count") is None) == (data.get("repeat_until") is None)
        ):
            self.add_error("repeat_count", _("Give how many times, or the last day, not both."))
        if not data.get("patient") and not (data.get("name") and data.get("email")):
            raise forms.ValidationError(
                _("Choose a patient from the search, or enter a new patient's name and e-mail.")
            )
        return data

    @property
    def rule(self) -> repeat.Rule | None:
        """The repeat rule chosen, or None for a single appointment."""
        data = self.cleaned_data
        if not data.get("repeat_every"):
            return None
        return repeat.Rule(
            interval=data["repeat_every"],
            count=data.get("repeat_count"),
            until=data.get("repeat_until"),
        )

    @property
    def start(self) -> datetime:
        return combine_local(self.clinic, self.cleaned_data["day"], self.cleaned_data["start_time"])


SERIES_SCOPES = [("this", _("This one")), ("following", _("This and all later ones"))]


class MoveForm(forms.Form):
    clinician = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Clinician")
    )
    day = forms.DateField(widget=DateInput(), label=_("Day"))
    start_time = forms.TimeField(widget=TimeInput(attrs={"step": 300}), label=_("Start"))

    def __init__(self, *args, clinic: Clinic, clinicians, in_series: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["clinician"].choices = [("", _("Same clinician"))] + [
            (c.pk, c.full_name or c.email) for c in clinicians
        ]
        if in_series:
            # A series member: move it alone, or it and the later ones by the same time.
            self.fields["scope"] = forms.ChoiceField(
                choices=SERIES_SCOPES,
                initial="this",
                widget=forms.RadioSelect,
                label=_("Which appointments"),
                help_text=_("Later ones move by the same time, and to the clinician chosen."),
            )

    @property
    def scope(self) -> str:
        return self.cleaned_data.get("scope") or "this"

    @property
    def start(self) -> datetime:
        return combine_local(self.clinic, self.cleaned_data["day"], self.cleaned_data["start_time"])


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason for cancelling"))

    def __init__(self, *args, in_series: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if in_series:
            self.fields["scope"] = forms.ChoiceField(
                choices=SERIES_SCOPES,
                initial="this",
                widget=forms.RadioSelect,
                label=_("Which appointments"),
            )

    @property
    def scope(self) -> str:
        return self.cleaned_data.get("scope") or "this"


# The public form's own words for Sex's choices (the same values), in the visitor's language.
PUBLIC_SEX_CHOICES = [
    ("", _("Prefer to tell the clinician")),
    (Sex.FEMALE.value, _("Female")),
    (Sex.MALE.value, _("Male")),
    (Sex.OTHER.value, _("Other")),
]


class PublicBookingForm(forms.Form):
    """The public form. `website` is a honeypot: people never see it, simple bots fill it."""

    slot = forms.CharField(widget=forms.HiddenInput(), required=False)
    name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(max_length=40, label=_("Phone"))
    date_of_birth = forms.DateField(widget=DateInput(), label=_("Date of birth"))
    sex = forms.ChoiceField(choices=PUBLIC_SEX_CHOICES, required=False, label=_("Sex"))
    what_hurts = forms.CharField(
        max_length=500,
        required=False,
        label=_("What hurts, or what would you like help with?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weekly_km = forms.IntegerField(
        min_value=0, max_value=400, required=False, label=_("Weekly running distance (km)")
    )
    goal_race = forms.CharField(max_length=200, required=False, label=_("Goal race (if any)"))
    website = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput())

    CONTACT_FIELDS = ("name", "email", "phone", "date_of_birth")

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_phone(self) -> str:
        return phone_field_clean(self.cleaned_data["phone"], region_of(self.clinic))

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value > self.clinic.today():
            raise forms.ValidationError(gettext("The date of birth cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                gettext("We could not take this booking. Please call the clinic.")
            )
        if self.errors:
            # The fields' own messages say what to fix; the anti-bot timing is judged once
            # they pass, so a person who pressed Book too early is not told "too quickly".
            if not any(str(self.data.get(name, "")).strip() for name in self.CONTACT_FIELDS):
                raise forms.ValidationError(
                    gettext(
                        "Nothing was filled in: give your name, e-mail, phone and date of birth "
                        "below, then press Book."
                    )
                )
            return data
        check_fill_time(data)
        return data


def check_fill_time(data: dict) -> None:
    """Refuse a public form sent faster than a person fills it, or long after it was shown."""
    elapsed = seconds_since(data.get("started", ""))
    if elapsed is None or elapsed < MIN_FILL_SECONDS or elapsed > MAX_FILL_SECONDS:
        raise forms.ValidationError(
            gettext(
                "This form was sent too quickly or has expired. Please check it and send again."
            )
        )


class WaitlistJoinForm(forms.Form):
    """Join the waitlist from the public page: the type and clinician come with the page's
    choice; the same honeypot and fill-time checks as the booking form."""

    type = forms.SlugField(widget=forms.HiddenInput())
    clinician = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
    earliest = forms.DateField(widget=DateInput(), label=_("From (first day that suits you)"))
    latest = forms.DateField(widget=DateInput(), label=_("Until (last day that suits you)"))
    name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(max_length=40, required=False, label=_("Phone"))
    website = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_phone(self) -> str:
        return phone_field_clean(self.cleaned_data["phone"], region_of(self.clinic))

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                gettext("We could not add you to the list. Please call the clinic.")
            )
        if not self.errors:
            check_fill_time(data)
        return data


def parse_slot(value: str) -> tuple[datetime, int] | None:
    """A slot choice is "<ISO start>|<clinician id>"."""
    try:
        start, clinician = value.split("|")
        moment = datetime.fromisoformat(start)
        return (moment, int(clinician)) if moment.tzinfo else None
    except (ValueError, AttributeError):
        return None


class TimeOffForm(forms.Form):
    clinician = forms.TypedChoiceField(coerce=int, label=_("Clinician"))
    day = forms.DateField(widget=DateInput(), label=_("Day"))
    start_time = forms.TimeField(widget=TimeInput(), label=_("From"))
    end_time = forms.TimeField(widget=TimeInput(), label=_("To"))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))

    def __init__(self, *args, clinic: Clinic, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["clinician"].choices = [(c.pk, c.full_name or c.email) for c in clinicians]

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            raise forms.ValidationError(_("The end must be after the start."))
        return data


class ClosureForm(forms.Form):
    first_day = forms.DateField(widget=DateInput(), label=_("First day"))
    last_day = forms.DateField(widget=DateInput(), label=_("Last day"))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))


class BookingSettingsForm(forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = ["min_notice_hours", "horizon_days", "late_cancel_hours", "slot_step_minutes"]
        # The model's own names and help, here so that they can be translated (the model's
        # text is English; a form's Meta text changes no migration).
        labels = {
            "min_notice_hours": _("Min notice hours"),
            "horizon_days": _("Horizon days"),
            "late_cancel_hours": _("Late cancel hours"),
            "slot_step_minutes": _("Slot step minutes"),
        }
        help_texts = {
            "min_notice_hours": _("Patients cannot book closer to now than this."),
            "horizon_days": _("Patients can book at most this many days ahead."),
            "late_cancel_hours": _(
                "Inside this many hours before the start, patients must call to cancel or move."
            ),
            "slot_step_minutes": _("Offered start times are this many minutes apart."),
        }
