"""Views of the patients' password-free sign-in: open a link, ask for one, staff invite."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from . import tasks
from .access import STAFF_ROLES, role_required, scope
from .client_ip import client_ip
from .magic_links import MagicLinkError, send_magic_link, user_for_token
from .models import Patient

REQUESTS_PER_WINDOW = 5
WINDOW_SECONDS = 15 * 60


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


def _over_limit(key: str) -> bool:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key) > REQUESTS_PER_WINDOW
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return False


@require_http_methods(["GET", "POST"])
def magic_link(request, token: str):
    """GET shows a button (mail scanners that open links must not use them up); POST signs in."""
    try:
        user = user_for_token(token)
    except MagicLinkError as error:
        return render(
            request,
            "clinic/magic_link_request.html",
            {"form": LinkRequestForm(), "link_error": str(error)},
            status=400,
        )
    if request.method == "POST":
        login(request, user, backend="clinic.auth_backend.ClinicModelBackend")
        return redirect("home")
    return render(request, "clinic/magic_link_confirm.html", {"patient": user.patient_profile})


@require_http_methods(["GET", "POST"])
def magic_link_request(request):
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = client_ip(request) or "unknown"
        if _over_limit(f"magic-link:ip:{ip}") or _over_limit(f"magic-link:email:{email}"):
            form.add_error(None, gettext("Too many requests. Wait a few minutes and try again."))
        else:
            # Always the same work here, known address or not: the lookup and the e-mail
            # happen in a worker, so the answer's timing tells nothing about the address.
            base_url = request.build_absolute_uri("/")
            tasks.magic_links_send.delay(email, base_url)
            return render(request, "clinic/magic_link_sent.html", {"email": email})
    return render(request, "clinic/magic_link_request.html", {"form": form})


@role_required(*STAFF_ROLES)
@require_POST
def patient_invite(request, pk: int):
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    try:
        user = send_magic_link(patient, base_url=request.build_absolute_uri("/"))
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"We e-mailed {patient.first_name} a sign-in link at {user.email}."
        )
    return redirect("patient_detail", pk=patient.pk)
