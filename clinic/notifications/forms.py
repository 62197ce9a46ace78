"""Forms of the notification pages: a patient's message preferences, a clinic's reminder times."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Language, Units
from clinic.time_zones import time_zone_choices

from . import services
from .models import ChannelPreference
from .transports import sms_available


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(required=False, label=_("E-mail messages"))
    sms_enabled = forms.BooleanField(required=False, label=_("Text messages (SMS)"))
    reminder_time = forms.TimeField(
        required=False,
        widget=TimeInput(),
        label=_("Time for home-exercise reminders and the morning check-in"),
        help_text=_("Blank: 07:30."),
    )
    quiet_start = forms.TimeField(
        required=False, widget=TimeInput(), label=_("Quiet hours start"), help_text=_("e.g. 21:00")
    )
    quiet_end = forms.TimeField(
        required=False, widget=TimeInput(), label=_("Quiet hours end"), help_text=_("e.g. 07:00")
    )
    time_zone = forms.ChoiceField(
        required=False,
        label=_("Time zone"),
        help_text=_("The dates and times on your pages, printouts and messages."),
    )
    # Not sent (an older form, a script): left as they are.
    units = forms.ChoiceField(
        required=False,
        choices=Units.choices,
        label=_("Distances and lengths"),
        help_text=_("Kilometres or miles, centimetres or inches."),
    )
    language = forms.ChoiceField(required=False, choices=Language.choices, label=_("Language"))

    def __init__(self, *args, clinic: Clinic, preference: ChannelPreference, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "email_enabled": preference.email_enabled,
                "sms_enabled": preference.sms_enabled,
                "reminder_time": preference.reminder_time,
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
                "time_zone": preference.patient.time_zone,
                "units": preference.patient.units,
                "language": preference.patient.language,
            },
        )
        super().__init__(*args, **kwargs)
        self.preference = preference
        self.fields["time_zone"].choices = time_zone_choices(
            clinic.time_zone, preference.patient.time_zone
        )
        # Without a provider no text can go out, so texts are not offered at all; a choice
        # made earlier is kept as it is (and e-mail goes instead, see patient_channels).
        self.offers_texts = sms_available()
        if not self.offers_texts:
            del self.fields["sms_enabled"]

    def clean(self):
        data = super().clean()
        data.setdefault("sms_enabled", self.preference.sms_enabled)
        return data


class ReminderSettingsForm(forms.Form):
    reminder_hours = forms.CharField(
        required=False,
        max_length=60,
        label=_("Appointment reminders, hours before the visit"),
        help_text=_("Separate with commas, e.g. 24, 2. Blank: 24 and 2 hours before."),
    )

    def clean_reminder_hours(self) -> list[float]:
        try:
            return services.parse_reminder_hours(self.cleaned_data["reminder_hours"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
