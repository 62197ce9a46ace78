"""Pages to set up and enter the staff second factor, and the middleware that requires it."""

from functools import wraps
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


def staff_account_required(view):
    """Set-up and entry of the second factor: for any account it applies to, including an
    admin account without a clinic membership (which no staff role would let in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not two_factor.applies_to(request.user):
            raise PermissionDenied(gettext("Two-factor sign-in is for staff accounts."))
        return view(request, *args, **kwargs)

    return wrapper


@staff_account_required
@require_http_methods(["GET", "POST"])
def setup(request):
    if not two_factor.may_set_up(request.user):
        # An enrolled account proves the current factor before it may enrol another.
        target = quote(request.get_full_path())
        return redirect(f"{reverse('two_factor_verify')}?next={target}")
    replacing = two_factor.has_device(request.user)
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_device(request.user, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return render(request, "clinic/two_factor_codes.html", {"codes": codes})
        form.add_error(
            "code", gettext("That code did not match. Check the time on your phone and retry.")
        )
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    context = {
        "form": form,
        "qr": qr,
        "secret": device.bin_key.hex(),
        "url": device.config_url,
        "replacing": replacing,
    }
    return render(request, "clinic/two_factor_setup.html", context)


@staff_account_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not two_factor.has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?next={quote(_next_url(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code",
            gettext("That code is not valid. Use a new code from your app or a recovery code."),
        )
    return render(
        request, "clinic/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


class StaffTwoFactorMiddleware:
    """Every staff page and session API call needs a verified second factor when required."""

    OPEN_PREFIXES = (
        "/static/",
        "/login/",
        "/logout/",
        "/2fa/verify/",
        "/healthz/",
        "/password/reset/",
    )
    # Set-up is open to an unverified session only while the account has no authenticator.
    SETUP_PREFIX = "/2fa/setup/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN_PREFIXES)
            and two_factor.required_for(user)
            and not user.is_verified()
            and not (request.path.startswith(self.SETUP_PREFIX) and not two_factor.has_device(user))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": gettext("Enter your two-factor code first.")}, status=403
                )
            target = "two_factor_verify" if two_factor.has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def token_second_factor_error(user, code) -> str | None:
    """For the token API: why a staff member's sign-in lacks its second factor, if it does."""
    if not two_factor.required_for(user):
        return None
    if not two_factor.has_device(user):
        return "Set up two-factor sign-in in the browser before using the API."
    if two_factor.verify(user, str(code or "")) is None:
        return "A valid two-factor code is required in the 'otp' field."
    return None


__all__ = ["setup", "verify", "StaffTwoFactorMiddleware", "token_second_factor_error", "settings"]
