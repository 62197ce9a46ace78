"""Clinic set-up pages for clinic admins: staff, appointment types and working hours."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.access import membership_of, role_required, scope
from clinic.booking.models import AppointmentType, WorkingHours
from clinic.forms import add_service_errors
from clinic.models import Role, StaffMembership, User

from . import setup
from .setup_forms import AppointmentTypeForm, StaffAddForm, StaffEditForm, WeekHoursForm

admin_only = role_required(Role.CLINIC_ADMIN)


@admin_only
@require_http_methods(["GET", "POST"])
def staff_list(request):
    clinic = membership_of(request.user).clinic
    form = StaffAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = setup.staff_add(clinic=clinic, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(email)s was added; we e-mailed them a link to choose a password.")
                % {"email": membership.user.email},
            )
            return redirect("setup_staff")
    staff = scope(StaffMembership.objects.select_related("user"), request.user).order_by(
        "-is_active", "role", "user__full_name"
    )
    return render(request, "clinic/setup_staff.html", {"staff": staff, "form": form})


@admin_only
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    membership = get_object_or_404(
        scope(StaffMembership.objects.select_related("user"), request.user), pk=pk
    )
    initial = {
        "role": membership.role,
        "title": membership.title,
        "is_active": membership.is_active,
    }
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            setup.staff_update(membership=membership, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": membership.user})
            return redirect("setup_staff")
    return render(request, "clinic/setup_staff_edit.html", {"membership": membership, "form": form})


@admin_only
def appointment_type_list(request):
    types = scope(AppointmentType.objects.prefetch_related("clinicians"), request.user)
    return render(request, "clinic/setup_types.html", {"types": types})


@admin_only
@require_http_methods(["GET", "POST"])
def appointment_type_edit(request, pk: int | None = None):
    clinic = membership_of(request.user).clinic
    instance = (
        get_object_or_404(scope(AppointmentType.objects, request.user), pk=pk) if pk else None
    )
    form = AppointmentTypeForm(request.POST or None, instance=instance, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        clinicians = data.pop("clinicians")
        try:
            setup.appointment_type_save(
                clinic=clinic, instance=instance, clinicians=clinicians, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": data["name"]})
            return redirect("setup_types")
    return render(request, "clinic/setup_type_form.html", {"form": form, "instance": instance})


@admin_only
@require_http_methods(["GET", "POST"])
def working_hours(request, user_id: int):
    clinic = membership_of(request.user).clinic
    clinician = get_object_or_404(
        User.objects.filter(membership__clinic=clinic, membership__role=Role.CLINICIAN), pk=user_id
    )
    hours = WorkingHours.objects.filter(clinic=clinic, clinician=clinician)
    form = WeekHoursForm(request.POST or None, initial=WeekHoursForm.initial_for(hours))
    if request.method == "POST" and form.is_valid():
        setup.working_hours_replace(
            clinic=clinic, clinician=clinician, week=form.cleaned_data["week"]
        )
        messages.success(request, _("Saved %(name)s's working hours.") % {"name": clinician})
        return redirect("setup_staff")
    return render(request, "clinic/setup_hours.html", {"form": form, "clinician": clinician})
