"""Forms of the clinic set-up pages."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.booking.models import MAX_BUFFER_MINUTES, MAX_DURATION_MINUTES, AppointmentType, Weekday
from clinic.models import Role, User


class StaffAddForm(forms.Form):
    full_name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    title = forms.CharField(
        max_length=80, required=False, label=_("Title"), help_text=_("e.g. PT, DPT")
    )


class StaffEditForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    title = forms.CharField(max_length=80, required=False, label=_("Title"))
    is_active = forms.BooleanField(required=False, label=_("Active (can sign in)"))


class AppointmentTypeForm(forms.ModelForm):
    clinicians = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Clinicians"),
    )

    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "slug",
            "duration_minutes",
            "buffer_minutes",
            "is_public",
            "color",
            "is_active",
        ]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}
        labels = {
            "name": _("Name"),
            "slug": _("Slug"),
            "duration_minutes": _("Duration (min)"),
            "buffer_minutes": _("Buffer after (min)"),
            "is_public": _("Is public"),
            "color": _("Color"),
            "is_active": _("Is active"),
        }
        # The model's help, here so that it can be translated (no migration changes); lazy,
        # so that each request reads it in its own language.
        help_texts = {
            "duration_minutes": format_lazy(_("1 to {max} minutes."), max=MAX_DURATION_MINUTES),
            "buffer_minutes": format_lazy(
                _(
                    "Free time kept after the appointment before the next one (at most "
                    "{max} minutes)."
                ),
                max=MAX_BUFFER_MINUTES,
            ),
            "is_public": _("Bookable from the public page."),
        }

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["clinicians"].queryset = User.objects.filter(
            membership__clinic=clinic, membership__role=Role.CLINICIAN, membership__is_active=True
        ).order_by("full_name")
        if self.instance.pk:
            self.fields["clinicians"].initial = list(self.instance.clinicians.all())

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 480:
            raise forms.ValidationError(_("Use a duration between 5 and 480 minutes."))
        return minutes

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = AppointmentType.objects.filter(clinic=self.clinic, slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another appointment type of this clinic uses this slug.")
            )
        return slug


class WeekHoursForm(forms.Form):
    """One row per weekday: works that day, from, to (clinic local time)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"works_{day.value}"] = forms.BooleanField(
                required=False,
                label=day.label,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": gettext("Works on %(day)s") % {"day": day.label}}
                ),
            )
            # Built per form, in the request's language: "Monday from", "Monday to".
            for key, words in (("start", gettext("%(day)s from")), ("end", gettext("%(day)s to"))):
                label = words % {"day": day.label}
                self.fields[f"{key}_{day.value}"] = forms.TimeField(
                    required=False,
                    label=label,
                    widget=forms.TimeInput(
                        format="%H:%M", attrs={"type": "time", "aria-label": label}
                    ),
                )

    def rows(self):
        return [
            (day, self[f"works_{day.value}"], self[f"start_{day.value}"], self[f"end_{day.value}"])
            for day in Weekday
        ]

    def clean(self):
        data = super().clean()
        week = {}
        for day in Weekday:
            if not data.get(f"works_{day.value}"):
                week[day.value] = None
                continue
            start, end = data.get(f"start_{day.value}"), data.get(f"end_{day.value}")
            if start is None or end is None:
                self.add_error(
                    f"start_{day.value}",
                    gettext("Give %(day)s's start and end times.") % {"day": day.label},
                )
            elif start >= end:
                self.add_error(
                    f"end_{day.value}",
                    gettext("%(day)s: the end must be after the start.") % {"day": day.label},
                )
            else:
                week[day.value] = (start, end)
        data["week"] = week
        return data

    @classmethod
    def initial_for(cls, hours) -> dict:
        initial = {}
        for row in hours:
            initial[f"works_{row.weekday}"] = True
            initial[f"start_{row.weekday}"] = row.start_time
            initial[f"end_{row.weekday}"] = row.end_time
        return initial
