"""Forms of the clinic app: sign-in, patients, clinic settings."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import tasks
from .models import Clinic, Patient
from .phones import country_choices, phone_normalise, region_of
from .time_zones import time_zone_choices


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on a form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def service_error_messages(error: ValidationError) -> list[str]:
    """A service's ValidationError as plain sentences, for messages or a form's top."""
    if hasattr(error, "error_dict"):
        return [message for errors in error.message_dict.values() for message in errors]
    return list(error.messages)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "That e-mail and password do not match an account. Check both and try again."
        ),
        "inactive": _("This account is disabled. Contact your clinic."),
    }


class DateInput(forms.DateInput):
    input_type = "date"


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "time_zone",
            "units",
            "language",
        ]
        widgets = {"date_of_birth": DateInput()}
        # The model's field names, written out so that they can be translated.
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "date_of_birth": _("Date of birth"),
            "sex": _("Sex"),
            "email": _("Email"),
            "phone": _("Phone"),
            "units": _("Units"),
            "language": _("Language"),
        }

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        # A patient who lives elsewhere sees their program, appointments and messages in
        # their own zone; blank keeps the clinic's.
        self.fields["time_zone"] = forms.ChoiceField(
            required=False,
            label=_("Time zone"),
            choices=time_zone_choices(clinic.time_zone, self.instance.time_zone),
            help_text=_("Blank: the clinic's. The patient can change it under Message settings."),
        )
        # Not sent: left as they are (a new patient gets metric and English).
        for name in ("units", "language"):
            self.fields[name].required = False
        self.fields["units"].help_text = _("The patient can change it under Message settings.")
        # Staff always record these; only online bookings may leave them for the first visit.
        self.fields["date_of_birth"].required = True
        self.fields["sex"].required = True

    def clean_units(self):
        return self.cleaned_data["units"] or self.instance.units

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > self.clinic.today():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return dob

    def clean_phone(self) -> str:
        return phone_field_clean(self.cleaned_data["phone"], region_of(self.clinic))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email:
            taken = Patient.objects.filter(clinic=self.clinic, email__iexact=email)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(_("Another patient of this clinic has this e-mail."))
        return email


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ["name", "time_zone", "address", "country", "phone", "email"]
        labels = {
            "name": _("Name"),
            "time_zone": _("Time zone"),
            "address": _("Address"),
            "phone": _("Phone"),
            "email": _("Email"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = settings.PHONE_DEFAULT_REGION
        self.fields["country"] = forms.ChoiceField(
            choices=[
                ("", _("The server's default (%(region)s)") % {"region": default}),
                *country_choices(),
            ],
            required=False,
            label=_("Country"),
            help_text=_(
                "Phone numbers typed without + and a country code are read as this country's."
            ),
        )

    def clean_phone(self) -> str:
        # The country chosen in the same form counts (it is cleaned first).
        region = self.cleaned_data.get("country") or settings.PHONE_DEFAULT_REGION
        return phone_field_clean(self.cleaned_data["phone"], region)


def phone_field_clean(raw: str, region: str) -> str:
    """A form field's phone in E.164, or the field's error."""
    try:
        return phone_normalise(raw, region=region)
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from None


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, with the account lookup and the e-mail done by a worker
    (clinic.tasks.password_reset_send): the page takes the same time for any address."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        email = self.cleaned_data["email"]
        domain = domain_override or request.get_host()
        tasks.password_reset_send.delay(email, domain, use_https)
