"""Booking pages: the front desk's day and week calendar and booking forms; the public pages."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import STAFF_ROLES, membership_of, parse_id, role_required, scope
from clinic.client_ip import client_ip
from clinic.forms import service_error_messages
from clinic.models import Patient, Role
from clinic.selectors import patient_list

from . import feeds, selectors, services, waitlist
from .forms import (
    BookingSettingsForm,
    CancelForm,
    ClosureForm,
    MoveForm,
    PublicBookingForm,
    StaffBookingForm,
    TimeOffForm,
    WaitlistJoinForm,
    combine_local,
    form_started_token,
    parse_slot,
)
from .models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    BookingRequestStatus,
    BookingSource,
)

PUBLIC_POSTS_PER_HOUR = getattr(settings, "BOOKING_PUBLIC_POSTS_PER_HOUR", 20)


def _parse_day(value: str) -> date | None:
    """A YYYY-MM-DD day within the years booking accepts, else None."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return day if services.EARLIEST_YEAR <= day.year <= services.LATEST_YEAR else None


def _parse_clock(value: str) -> time | None:
    """An HH:MM time of day, else None."""
    try:
        return time.fromisoformat(value) if len(value) == 5 else None
    except ValueError:
        return None


def _day_param(request, clinic) -> date:
    return _parse_day(request.GET.get("date", "")) or clinic.today()


# A large clinic's whole week grows with its staff: up to this many clinicians it is shown at
# once, beyond that one clinician at a time (the day view still shows everyone).
WEEK_MAX_CLINICIANS = 4


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return parse_id(value)


# Front desk ----------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
@require_GET
def calendar_day(request):
    """One day: a column per clinician (or just the chosen one)."""
    clinic = membership_of(request.user).clinic
    day = _day_param(request, clinic)
    cal = selectors.calendar(
        clinic=clinic, first=day, days=1, clinician_id=_int_param(request, "clinician")
    )
    column = cal.columns[0]
    return render(
        request,
        "booking/calendar_day.html",
        {
            "cal": cal,
            "day": day,
            "closed": column.closed,
            "grid": selectors.calendar_grid(cal=cal, by_clinician=True, now=timezone.now()),
            **_grid_urls(),
            "online": selectors.recent_online_activity(clinic=clinic),
            "requests": selectors.booking_requests_waiting(clinic=clinic),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "view": "day",
        },
    )


@role_required(*STAFF_ROLES)
@require_GET
def calendar_week(request):
    """Monday to Sunday around the given date, a column per day."""
    clinic = membership_of(request.user).clinic
    day = _day_param(request, clinic)
    monday = day - timedelta(days=day.weekday())
    cal = selectors.calendar(
        clinic=clinic,
        first=monday,
        days=7,
        clinician_id=_int_param(request, "clinician"),
        max_clinicians=WEEK_MAX_CLINICIANS,
    )
    return render(
        request,
        "booking/calendar_week.html",
        {
            "cal": cal,
            "day": day,
            "grid": selectors.calendar_grid(cal=cal, by_clinician=False, now=timezone.now()),
            **_grid_urls(),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "view": "week",
        },
    )


def _grid_urls() -> dict[str, str]:
    """The links the time grid repeats, reversed once per page rather than per appointment or
    slot: appointment pages are `appointment_url` + pk + "/"."""
    return {
        "appointment_url": reverse("booking_appointment", args=[0]).removesuffix("0/"),
        "book_url": reverse("booking_appointment_new"),
        "day_url": reverse("booking_calendar_day"),
    }


def _staff_clinicians(clinic):
    return list(selectors.clinicians_of(clinic=clinic))


@role_required(*STAFF_ROLES)
@require_GET
def slot_check(request):
    """htmx: free times for the chosen type, clinician and day, and whether the time is free."""
    clinic = membership_of(request.user).clinic
    kind = AppointmentType.objects.filter(
        clinic=clinic, pk=_int_param(request, "appointment_type") or 0
    ).first()
    context = {"kind": kind}
    day = _parse_day(request.GET.get("day", ""))
    if kind is not None and day is not None:
        clinician_id = _int_param(request, "clinician")
        clinician = next((c for c in _staff_clinicians(clinic) if c.pk == clinician_id), None)
        slots = selectors.available_slots(
            appointment_type=kind, day=day, clinician=clinician, for_staff=True
        )
        chosen = request.GET.get("start_time", "")[:5]
        local_times = [s.start.astimezone(clinic.tz).strftime("%H:%M") for s in slots]
        context.update(
            {
                "slots": slots,
                "day": day,
                "chosen": chosen,
                "chosen_free": chosen in local_times if chosen else None,
            }
        )
    return render(request, "booking/_slot_check.html", context)


@role_required(*STAFF_ROLES)
@require_GET
def series_preview(request):
    """htmx: each occurrence of the booking form's repeat rule, free or in conflict and why."""
    clinic = membership_of(request.user).clinic
    form = StaffBookingForm(request.GET, clinic=clinic, clinicians=_staff_clinicians(clinic))
    form.is_valid()  # the patient fields do not matter for a preview
    data = form.cleaned_data
    context = {"occurrences": [], "errors": []}
    ready = all(data.get(k) for k in ("appointment_type", "day", "start_time", "repeat_every"))
    if ready and not form.has_error("repeat_count") and form.rule is not None:
        clinician = next(
            (c for c in _staff_clinicians(clinic) if c.pk == data.get("clinician")), None
        )
        try:
            context["occurrences"] = services.series_preview(
                appointment_type=data["appointment_type"],
                start=form.start,
                rule=form.rule,
                clinician=clinician,
            )
        except ValidationError as error:
            context["errors"] = service_error_messages(error)
    else:
        context["errors"] = [
            e for k in ("repeat_count", "repeat_until") for e in form.errors.get(k, [])
        ]
    context["ready"] = ready
    return render(request, "booking/_series_preview.html", context)


@role_required(*STAFF_ROLES)
@require_GET
def patient_search(request):
    """htmx: patients of the clinic matching the search, to pick while booking."""
    query = request.GET.get("q", "").strip()[:100]
    patients = patient_list(user=request.user, search=query)[:10] if len(query) >= 2 else []
    return render(request, "booking/_patient_choices.html", {"patients": patients, "q": query})


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    clinic = membership_of(request.user).clinic
    clinicians = _staff_clinicians(clinic)
    initial = {"day": _day_param(request, clinic), "clinician": _int_param(request, "clinician")}
    # A click on an empty quarter hour of the calendar's grid brings its time (?time=HH:MM).
    if (chosen_time := _parse_clock(request.GET.get("time", ""))) is not None:
        initial["start_time"] = chosen_time.strftime("%H:%M")
    form = StaffBookingForm(
        request.POST or None, clinic=clinic, clinicians=clinicians, initial=initial
    )
    nearest = []
    # "Book" on a patient's chart opens the form with them chosen (?patient=<id>).
    chosen_id = (request.POST if request.method == "POST" else request.GET).get("patient", "")
    chosen_patient = (
        scope(Patient.objects.all(), request.user).filter(pk=chosen_pk).first()
        if (chosen_pk := parse_id(chosen_id)) is not None
        else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clinician = next((c for c in clinicians if c.pk == data.get("clinician")), None)
        try:
            if data.get("patient") and chosen_patient is None:
                raise ValidationError({"patient": _("Unknown patient.")})
            if form.rule is not None:
                return _book_series(request, form, clinic, clinician, chosen_patient)
            appointment = services.appointment_book(
                clinic=clinic,
                appointment_type=data["appointment_type"],
                start=form.start,
                clinician=clinician,
                patient=chosen_patient,
                contact=None
                if chosen_patient
                else services.Contact(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    date_of_birth=data.get("date_of_birth"),
                    sex=data.get("sex", ""),
                ),
                booked_by=request.user,
                notes=data.get("notes", ""),
            )
        except services.SlotTaken as taken:
            form.add_error(None, _("That time is already taken."))
            nearest = taken.nearest
        except ValidationError as error:
            for message in service_error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Booked %(name)s.") % {"name": appointment.patient.full_name}
            )
            return redirect("booking_appointment", pk=appointment.pk)
    return render(
        request,
        "booking/appointment_new.html",
        {"form": form, "nearest": nearest, "chosen_patient": chosen_patient},
    )


def _book_series(request, form, clinic, clinician, chosen_patient):
    """Book the form's repeating appointment; say what was booked and what was not."""
    data = form.cleaned_data
    patient = chosen_patient
    if patient is None:
        patient, _created = services.patient_find_or_create(
            clinic=clinic,
            contact=services.Contact(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                date_of_birth=data.get("date_of_birth"),
                sex=data.get("sex", ""),
            ),
        )
    result = services.appointment_series_book(
        clinic=clinic,
        appointment_type=data["appointment_type"],
        start=form.start,
        rule=form.rule,
        patient=patient,
        clinician=clinician,
        booked_by=request.user,
        notes=data.get("notes", ""),
    )
    total = len(result.booked) + len(result.conflicts)
    if result.booked:
        messages.success(
            request,
            ngettext(
                "Booked %(booked)d of %(total)d for %(name)s.",
                "Booked %(booked)d of %(total)d for %(name)s.",
                total,
            )
            % {"booked": len(result.booked), "total": total, "name": patient.full_name},
        )
    for conflict in result.conflicts:
        when = conflict.start.astimezone(clinic.tz)
        messages.warning(
            request,
            _("Not booked %(when)s: %(reason)s")
            % {"when": dateformat.format(when, "D d M H:i"), "reason": conflict.reason},
        )
    if result.booked:
        return redirect("booking_appointment", pk=result.booked[0].pk)
    return redirect("booking_calendar_week")


def _staff_appointment(request, pk: int) -> Appointment:
    return get_object_or_404(
        selectors.appointment_list(user=request.user).select_related("clinic"), pk=pk
    )


def _detail_context(appointment: Appointment, **extra) -> dict:
    """What the appointment page shows besides its forms: the online booking request behind
    it, if any (what was typed, whose e-mail, who answered)."""
    booking_request = (
        BookingRequest.objects.filter(appointment=appointment)
        .select_related("patient", "decided_by")
        .first()
    )
    waiting = (
        booking_request is not None
        and booking_request.is_open
        and booking_request.expires_at > timezone.now()
    )
    return {
        "appointment": appointment,
        "booking_request": booking_request,
        "request_waiting": waiting,
        "can_arrive": services.arrival_allowed(appointment),
        **extra,
    }


@role_required(*STAFF_ROLES)
@require_GET
def appointment_detail(request, pk: int):
    appointment = _staff_appointment(request, pk)
    clinic = appointment.clinic
    local_start = appointment.start.astimezone(clinic.tz)
    in_series = appointment.series is not None
    move_form = MoveForm(
        clinic=clinic,
        clinicians=_staff_clinicians(clinic),
        in_series=in_series,
        initial={"day": local_start.date(), "start_time": local_start.strftime("%H:%M")},
    )
    return render(
        request,
        "booking/appointment_detail.html",
        _detail_context(
            appointment, move_form=move_form, cancel_form=CancelForm(in_series=in_series)
        ),
    )


@role_required(*STAFF_ROLES)
@require_POST
def appointment_move(request, pk: int):
    appointment = _staff_appointment(request, pk)
    clinic = appointment.clinic
    clinicians = _staff_clinicians(clinic)
    in_series = appointment.series is not None
    form = MoveForm(request.POST, clinic=clinic, clinicians=clinicians, in_series=in_series)
    nearest = []
    series_conflicts = []
    if form.is_valid():
        clinician = next((c for c in clinicians if c.pk == form.cleaned_data["clinician"]), None)
        try:
            moved = services.appointment_series_reschedule(
                appointment=appointment,
                start=form.start,
                scope=form.scope,
                clinician=clinician,
                by_user=request.user,
            )
        except services.SlotTaken as taken:
            form.add_error(None, _("That time is already taken."))
            nearest = taken.nearest
        except services.SeriesMoveRefused as refused:
            form.add_error(
                None,
                _(
                    "Nothing was moved: these appointments of the series cannot go to their "
                    "new times. Choose another time, or move them one at a time."
                ),
            )
            series_conflicts = refused.conflicts
        except ValidationError as error:
            for message in service_error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext("Appointment moved.", "%(count)d appointments moved.", len(moved))
                % {"count": len(moved)},
            )
            if request.headers.get("HX-Request"):
                return HttpResponse(status=204)  # the calendar reloads and shows the message
            return redirect("booking_appointment", pk=appointment.pk)
    if request.headers.get("HX-Request"):
        # A drag on the calendar: say why in a line the page shows; nothing was changed.
        problems = [str(m) for m in form.non_field_errors()] + [
            f"{form.fields[name].label or name.replace('_', ' ').capitalize()}: {m}"
            for name, errors in form.errors.items()
            if name != "__all__"
            for m in errors
        ]
        return HttpResponse(
            _("Not moved: %(problems)s") % {"problems": " ".join(problems)},
            status=409,
            content_type="text/plain",
        )
    return render(
        request,
        "booking/appointment_detail.html",
        _detail_context(
            appointment,
            move_form=form,
            cancel_form=CancelForm(in_series=in_series),
            nearest=nearest,
            series_conflicts=series_conflicts,
        ),
        status=400,
    )


@role_required(*STAFF_ROLES)
@require_POST
def appointment_cancel(request, pk: int):
    appointment = _staff_appointment(request, pk)
    in_series = appointment.series is not None
    form = CancelForm(request.POST, in_series=in_series)
    if form.is_valid():
        try:
            cancelled = services.appointment_series_cancel(
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                cancelled_by=request.user,
                scope=form.scope,
            )
        except ValidationError as error:
            for message in service_error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext(
                    "Appointment cancelled.",
                    "%(count)d appointments cancelled.",
                    len(cancelled),
                )
                % {"count": len(cancelled)},
            )
            return redirect("booking_appointment", pk=appointment.pk)
    clinic = appointment.clinic
    return render(
        request,
        "booking/appointment_detail.html",
        _detail_context(
            appointment,
            move_form=MoveForm(
                clinic=clinic, clinicians=_staff_clinicians(clinic), in_series=in_series
            ),
            cancel_form=form,
        ),
        status=400,
    )


@role_required(*STAFF_ROLES)
@require_POST
def appointment_status(request, pk: int):
    appointment = _staff_appointment(request, pk)
    change = {
        "arrived": services.appointment_mark_arrived,
        "no_show": services.appointment_mark_no_show,
    }.get(request.POST.get("status", ""))
    if change is None:
        return HttpResponse(_("Unknown status."), status=400)
    try:
        change(appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(service_error_messages(error)))
    else:
        messages.success(
            request, _("Marked %(status)s.") % {"status": appointment.get_status_display().lower()}
        )
    return redirect("booking_appointment", pk=appointment.pk)


@role_required(*STAFF_ROLES)
@require_POST
def appointment_request(request, pk: int):
    """Staff confirm an online booking made with a known patient's e-mail, or reject it."""
    appointment = _staff_appointment(request, pk)
    booking_request = BookingRequest.objects.filter(appointment=appointment).first()
    action = request.POST.get("action", "")
    if booking_request is None or action not in ("confirm", "reject"):
        return HttpResponse(_("Confirm or reject an online booking that waits for it."), status=400)
    try:
        if action == "confirm":
            services.booking_request_confirm(booking_request=booking_request, by_user=request.user)
        else:
            services.booking_request_reject(booking_request=booking_request, by_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(service_error_messages(error)))
    else:
        messages.success(
            request,
            _("Confirmed: the appointment is %(name)s's.")
            % {"name": booking_request.patient.full_name}
            if action == "confirm"
            else _("Rejected: the time is free again and nothing was added to the record."),
        )
    return redirect("booking_appointment", pk=appointment.pk)


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def time_off_new(request):
    """Block a clinician's time; bookings already inside it are listed to be moved."""
    clinic = membership_of(request.user).clinic
    clinicians = _staff_clinicians(clinic)
    initial = {"day": _day_param(request, clinic), "clinician": _int_param(request, "clinician")}
    # A click on an empty quarter hour of the calendar's grid brings its time (?time=HH:MM).
    if (chosen_time := _parse_clock(request.GET.get("time", ""))) is not None:
        initial["start_time"] = chosen_time.strftime("%H:%M")
    form = TimeOffForm(request.POST or None, clinic=clinic, clinicians=clinicians, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clinician = next((c for c in clinicians if c.pk == data["clinician"]), None)
        start = combine_local(clinic, data["day"], data["start_time"])
        end = combine_local(clinic, data["day"], data["end_time"])
        services.time_off_create(
            clinic=clinic, clinician=clinician, start=start, end=end, reason=data["reason"]
        )
        clashes = selectors.appointment_list(
            user=request.user, start=start, end=end, clinician_id=clinician.pk
        ).filter(status__in=HOLDING_STATUSES)
        for appointment in clashes:
            who = (
                appointment.patient.full_name
                if appointment.patient_id
                else _("An online booking waiting for confirmation")
            )
            messages.warning(
                request,
                _("%(who)s is still booked %(time)s: move or cancel it.")
                % {"who": who, "time": f"{appointment.start.astimezone(clinic.tz):%H:%M}"},
            )
        messages.success(request, _("Time blocked."))
        return redirect(
            f"{reverse('booking_calendar_day')}?date={data['day']}&clinician={clinician.pk}"
        )
    return render(request, "booking/simple_form.html", {"form": form, "title": _("Block time")})


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
@never_cache
def calendar_feed(request):
    """The staff member's private calendar feed URL, to copy into a calendar app or revoke."""
    membership = membership_of(request.user)
    clinician_param = request.POST.get("clinician") or request.GET.get("clinician")
    try:
        scope = feeds.feed_scope(user=request.user, clinician_param=clinician_param)
    except ValidationError:
        raise Http404 from None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feeds.calendar_feed_revoke(owner=request.user, scope=scope)
            messages.success(
                request, _("Feed revoked: calendars using the old address stop updating.")
            )
        else:
            feeds.calendar_feed_get_or_create(owner=request.user, scope=scope)
            messages.success(request, _("Feed ready: copy the address into your calendar app."))
        query = f"?clinician={clinician_param}" if clinician_param else ""
        return redirect(reverse("booking_calendar_feed") + query)
    feed = feeds.calendar_feed_current(owner=request.user, scope=scope)
    may_choose = membership.role in feeds.SCHEDULING_ROLES
    return render(
        request,
        "booking/calendar_feed.html",
        {
            "feed_url": request.build_absolute_uri(feeds.feed_path(feed)) if feed else "",
            "scope": scope,
            "scope_value": str(scope.clinician.pk) if scope.clinician else "all",
            "clinicians": _staff_clinicians(membership.clinic) if may_choose else [],
            "may_choose": may_choose,
        },
    )


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def booking_settings(request):
    """The clinic admin's booking rules and closures."""
    clinic = membership_of(request.user).clinic
    current = selectors.booking_settings(clinic=clinic)
    form = BookingSettingsForm(request.POST or None, instance=current, prefix="rules")
    closure_form = ClosureForm(request.POST or None, prefix="closure")
    if request.method == "POST":
        if request.POST.get("save") == "rules" and form.is_valid():
            services.booking_settings_update(clinic=clinic, **form.cleaned_data)
            messages.success(request, _("Booking rules saved."))
            return redirect("booking_settings")
        if request.POST.get("save") == "closure" and closure_form.is_valid():
            try:
                services.closure_create(clinic=clinic, **closure_form.cleaned_data)
            except ValidationError as error:
                for message in service_error_messages(error):
                    closure_form.add_error(None, message)
            else:
                messages.success(request, _("Closure added."))
                return redirect("booking_settings")
    closures = selectors.closures_from(clinic=clinic, first=clinic.today())
    return render(
        request,
        "booking/settings.html",
        {"form": form, "closure_form": closure_form, "closures": closures},
    )


@role_required(*selectors.WAITLIST_ROLES)
@require_GET
def waitlist_staff(request):
    """The clinic's waitlist, first come first, with a button to take someone off it."""
    return render(
        request, "booking/waitlist.html", {"entries": selectors.waitlist_list(user=request.user)}
    )


@role_required(*selectors.WAITLIST_ROLES)
@require_POST
def waitlist_withdraw(request, pk: int):
    entry = get_object_or_404(selectors.waitlist_list(user=request.user), pk=pk)
    try:
        waitlist.waitlist_withdraw(entry=entry, by_user=request.user)
    except ValidationError as error:
        for message in service_error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is off the waitlist.") % {"name": entry.name})
    return redirect("booking_waitlist")


# Public --------------------------------------------------------------------------------------


# An appointment's status as the patient reads it on the public pages, in their language.
PUBLIC_STATUS_LABELS = {
    AppointmentStatus.PENDING: gettext_lazy("To confirm"),
    AppointmentStatus.BOOKED: gettext_lazy("Booked"),
    AppointmentStatus.ARRIVED: gettext_lazy("Arrived"),
    AppointmentStatus.NO_SHOW: gettext_lazy("No-show"),
    AppointmentStatus.CANCELLED: gettext_lazy("Cancelled"),
}


def _over_public_limit(request) -> bool:
    """Per-IP limit on public form posts (the API has DRF's "public" throttle)."""
    key = f"groundwork:booking:posts:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > PUBLIC_POSTS_PER_HOUR


def _slot_choices(slots, clinic) -> list[dict]:
    """Slots as radio choices: the value is "<local ISO start>|<clinician id>"."""
    choices = []
    for slot in slots:
        start = slot.start.astimezone(clinic.tz)
        choices.append(
            {
                "value": f"{start.isoformat()}|{slot.clinician_id}",
                "start": start,
                "end": slot.end.astimezone(clinic.tz),
                "clinician_id": slot.clinician_id,
            }
        )
    return choices


def _public_clinic(request):
    clinic = selectors.public_clinic(slug=request.GET.get("clinic") or None)
    if clinic is None:
        raise Http404(gettext("Unknown clinic."))
    return clinic


def _public_choice(request, clinic):
    """The type, clinician and day picked on the public page (GET parameters)."""
    types = list(selectors.public_types(clinic=clinic))
    kind = next((t for t in types if t.slug == request.GET.get("type")), None)
    offering = selectors.clinicians_for_type(appointment_type=kind) if kind else []
    clinician = next((c for c in offering if c.pk == _int_param(request, "clinician")), None)
    day = _parse_day(request.GET.get("date", ""))
    return types, kind, offering, clinician, day


@never_cache
@require_http_methods(["GET", "POST"])
def public_book(request):
    """Pick a public type, a day and a time; give contact details and a short intake."""
    clinic = _public_clinic(request)
    types, kind, offering, clinician, day = _public_choice(request, clinic)
    slots = []
    if kind is not None and day is not None:
        slots = selectors.available_slots(appointment_type=kind, day=day, clinician=clinician)
    form = PublicBookingForm(
        request.POST or None, clinic=clinic, initial={"started": form_started_token()}
    )
    nearest = []
    status = 200
    if request.method == "POST":
        if _over_public_limit(request):
            return HttpResponse(
                gettext("Too many bookings from this address; please call us."), status=429
            )
        choice = parse_slot(request.POST.get("slot", ""))
        valid = form.is_valid()
        if kind is None or choice is None:
            # Said whatever else is wrong: the time is chosen above the details.
            form.add_error(None, gettext("Choose a time for your appointment (step 3)."))
        elif valid:
            start, clinician_id = choice
            chosen = clinician or next((c for c in offering if c.pk == clinician_id), None)
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    clinic=clinic,
                    appointment_type=kind,
                    start=start,
                    clinician=chosen,
                    contact=services.Contact(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        date_of_birth=data["date_of_birth"],
                        sex=data.get("sex", ""),
                        language=translation.get_language(),
                    ),
                    intake=services.Intake(
                        what_hurts=data.get("what_hurts", ""),
                        weekly_km=data.get("weekly_km"),
                        goal_race=data.get("goal_race", ""),
                    ),
                    source=BookingSource.PUBLIC,
                )
            except services.SlotTaken as taken:
                form.add_error(
                    None, gettext("That time was just taken. Here are the nearest times.")
                )
                nearest = taken.nearest
                status = 409
            except ValidationError as error:
                for message in service_error_messages(error):
                    form.add_error(None, message)
            else:
                return redirect("booking_public_done", token=services.manage_token(appointment))
        if status == 200:
            status = 400
    slot_choices = _slot_choices(slots, clinic)
    # After an error the time chosen stays chosen, while it is still free.
    chosen_slot = request.POST.get("slot", "") if status != 409 else ""
    if chosen_slot and not any(s["value"] == chosen_slot for s in slot_choices):
        if parse_slot(chosen_slot) is not None:
            form.add_error(None, gettext("The time you chose is no longer free: choose another."))
        chosen_slot = ""
    return render(
        request,
        "booking/public_book.html",
        {
            "clinic": clinic,
            "types": types,
            "kind": kind,
            "offering": offering,
            "clinician": clinician,
            "day": day,
            "slots": slot_choices,
            "nearest": _slot_choices(nearest, clinic),
            "chosen_slot": chosen_slot,
            "form": form,
            "today": clinic.today(),
            "waitlist_form": _waitlist_form(clinic, kind, clinician, day)
            if kind is not None and day is not None and not slot_choices
            else None,
        },
        status=status,
    )


# How many days after the chosen one the waitlist form suggests by default.
WAITLIST_DEFAULT_DAYS = 14


def _waitlist_form(clinic, kind, clinician, day) -> WaitlistJoinForm:
    """An empty waitlist form for the type, clinician and day chosen on the booking page."""
    return WaitlistJoinForm(
        clinic=clinic,
        initial={
            "type": kind.slug,
            "clinician": clinician.pk if clinician else None,
            "earliest": day,
            "latest": day + timedelta(days=WAITLIST_DEFAULT_DAYS),
            "started": form_started_token(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_waitlist_join(request):
    """Join the waitlist (the form on the booking page posts here; a GET shows it alone)."""
    clinic = _public_clinic(request)
    types, kind, offering, clinician, day = _public_choice(request, clinic)
    if request.method == "GET":
        form = None
        if kind is not None:
            form = _waitlist_form(clinic, kind, clinician, day or clinic.today())
        return render(
            request,
            "booking/public_waitlist.html",
            {"clinic": clinic, "kind": kind, "types": types, "form": form},
        )
    if _over_public_limit(request):
        return HttpResponse(
            gettext("Too many requests from this address; please call us."), status=429
        )
    form = WaitlistJoinForm(request.POST, clinic=clinic)
    entry = None
    if form.is_valid():
        data = form.cleaned_data
        kind = next((t for t in types if t.slug == data["type"]), None)
        offering = selectors.clinicians_for_type(appointment_type=kind) if kind else []
        clinician = next((c for c in offering if c.pk == data.get("clinician")), None)
        if kind is None:
            form.add_error(None, gettext("This appointment type cannot be booked online."))
        elif data.get("clinician") and clinician is None:
            form.add_error(None, gettext("This clinician does not offer that type."))
        else:
            try:
                entry = waitlist.waitlist_join(
                    clinic=clinic,
                    appointment_type=kind,
                    clinician=clinician,
                    earliest=data["earliest"],
                    latest=data["latest"],
                    contact=services.Contact(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        language=translation.get_language(),
                    ),
                )
            except ValidationError as error:
                for field, messages_of in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_of)
    return render(
        request,
        "booking/public_waitlist.html",
        {"clinic": clinic, "kind": kind, "types": types, "form": form, "entry": entry},
        status=200 if entry is not None else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_waitlist_offer(request, token: str):
    """The e-mailed link of a waitlist offer: book the time if nobody was quicker. Booking is
    a POST, so a mail scanner that opens the link books nothing."""
    offer = waitlist.offer_from_token(token)
    if offer is None:
        raise Http404(gettext("This link is not valid."))
    if request.method == "POST":
        if _over_public_limit(request):
            return HttpResponse(
                gettext("Too many requests from this address; please call us."), status=429
            )
        answer = waitlist.waitlist_offer_accept(offer=offer)
        offer.entry.refresh_from_db()
    else:
        answer = waitlist.offer_state(offer)
    outcome, appointment = answer.outcome.value, answer.appointment
    status = {"gone": 409, "expired": 410, "closed": 410}.get(outcome, 200)
    return render(
        request,
        "booking/public_waitlist_offer.html",
        {
            "offer": offer,
            "entry": offer.entry,
            "clinic": offer.clinic,
            "outcome": outcome,
            "appointment": appointment,
            "manage_token": services.manage_token(appointment) if appointment else "",
        },
        status=status,
    )


def _appointment_for(token: str) -> Appointment:
    appointment = services.appointment_from_token(token)
    if appointment is None:
        raise Http404(gettext("This link is not valid."))
    return appointment


@never_cache
@require_GET
def public_done(request, token: str):
    appointment = _appointment_for(token)
    return render(
        request,
        "booking/public_done.html",
        {"appointment": appointment, "clinic": appointment.clinic, "token": token},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_manage(request, token: str):
    """The patient's own booking through the signed link: cancel, or move to another time."""
    appointment = _appointment_for(token)
    clinic = appointment.clinic
    errors: list[str] = []
    if request.method == "POST":
        if _over_public_limit(request):
            return HttpResponse(
                gettext("Too many requests from this address; please call us."), status=429
            )
        try:
            if request.POST.get("action") == "cancel":
                services.appointment_cancel_by_patient(
                    appointment=appointment, reason=request.POST.get("reason", "")[:200]
                )
                messages.success(request, gettext("Your appointment is cancelled."))
                return redirect("booking_manage", token=token)
            if request.POST.get("action") == "move":
                choice = parse_slot(request.POST.get("slot", ""))
                if choice is None:
                    raise ValidationError(gettext("Choose a new time."))
                services.appointment_reschedule_by_patient(appointment=appointment, start=choice[0])
                messages.success(request, gettext("Your appointment is moved."))
                return redirect("booking_manage", token=token)
            errors.append(gettext("Unknown action."))
        except services.LateChange as late:
            errors.append(str(late))
        except services.SlotTaken:
            errors.append(gettext("That time was just taken; choose another."))
        except ValidationError as error:
            errors.extend(service_error_messages(error))
    # After an error what was typed and chosen stays (a taken time is no longer offered).
    chosen_slot = request.POST.get("slot", "")
    cancel_reason = request.POST.get("reason", "")[:200]
    day = _parse_day(request.GET.get("date", ""))
    slots = []
    if day is not None and appointment.holds_time:
        slots = selectors.available_slots(
            appointment_type=appointment.appointment_type,
            day=day,
            clinician=appointment.clinician,
        )
    return render(
        request,
        "booking/public_manage.html",
        {
            "appointment": appointment,
            # A request's hold reads as booked: this page, whose link the booking answer
            # carries, must not tell whoever booked that the e-mail belongs to a patient.
            "status_label": PUBLIC_STATUS_LABELS[
                AppointmentStatus.BOOKED if appointment.is_pending else appointment.status
            ],
            "clinic": clinic,
            "may_change": services.patient_may_change(appointment),
            "late_cancel_hours": selectors.booking_settings(clinic=clinic).late_cancel_hours,
            "errors": errors,
            "day": day,
            "slots": _slot_choices(slots, clinic),
            "chosen_slot": chosen_slot,
            "cancel_reason": cancel_reason,
            "token": token,
        },
        status=400 if errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_request(request, token: str):
    """The e-mailed link of a booking made with a known patient's address: the patient
    confirms it, or says it was not them. Answers are POSTs, so a mail scanner that opens
    the link changes nothing."""
    try:
        booking_request = services.booking_request_from_token(token)
    except services.RequestLinkExpired:
        return render(request, "booking/public_request.html", {"link_expired": True}, status=410)
    if booking_request is None:
        raise Http404(gettext("This link is not valid."))
    errors: list[str] = []
    if request.method == "POST":
        if _over_public_limit(request):
            return HttpResponse(
                gettext("Too many requests from this address; please call us."), status=429
            )
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                services.booking_request_confirm(booking_request=booking_request)
                messages.success(request, gettext("Thank you: your appointment is confirmed."))
                return redirect("booking_request_confirm", token=token)
            if action == "reject":
                services.booking_request_reject(booking_request=booking_request)
                messages.success(request, gettext("Thank you: the time is released."))
                return redirect("booking_request_confirm", token=token)
            errors.append(gettext("Choose whether to confirm the booking or not."))
        except ValidationError as error:
            errors.extend(service_error_messages(error))
    appointment = booking_request.appointment
    waiting = booking_request.is_open and booking_request.expires_at > timezone.now()
    confirmed = booking_request.status == BookingRequestStatus.CONFIRMED
    status = 400 if errors else 200
    if (
        not waiting
        and not confirmed
        and booking_request.status
        in (
            BookingRequestStatus.PENDING,
            BookingRequestStatus.EXPIRED,
        )
    ):
        status = 410
    return render(
        request,
        "booking/public_request.html",
        {
            "booking_request": booking_request,
            "appointment": appointment,
            "clinic": booking_request.clinic,
            "waiting": waiting,
            "confirmed": confirmed,
            "manage_token": services.manage_token(appointment) if confirmed else "",
            "errors": errors,
        },
        status=status,
    )
