"""Request middleware: staff session limits, no caching of signed-in pages, and each signed-in
person's time zone and language."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .access import membership_of
from .languages import language_for_request
from .time_zones import zone_of

SESSION_STARTED = "gw_started"
SESSION_SEEN = "gw_seen"
# The last-seen time is rewritten at most this often: a session write per request would be an
# UPDATE on every staff page. Idle sign-out then comes up to this much early, never late.
SEEN_RESOLUTION_S = 60


class StaffSessionLimitsMiddleware:
    """Sign staff out after STAFF_IDLE_MINUTES without a request, and after
    STAFF_SESSION_MAX_HOURS in any case. Patients keep the normal cookie age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and membership_of(user) is not None:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle_limit = settings.STAFF_IDLE_MINUTES * 60
            absolute_limit = settings.STAFF_SESSION_MAX_HOURS * 3600
            if now - seen > idle_limit or now - started > absolute_limit:
                logout(request)
                messages.info(
                    request,
                    translation.gettext("You were signed out after a period without activity."),
                )
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if SESSION_SEEN not in request.session or now - seen >= SEEN_RESOLUTION_S:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user may hold patient data: browsers and proxies keep none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class PersonTimeZoneMiddleware:
    """Dates and times are shown in the zone of the person reading: a patient's own (else
    their clinic's), staff their clinic's. Signed-out pages name their clinic's zone in the
    template ({% timezone %}); everything else stays in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = zone_of(user) if user is not None and user.is_authenticated else None
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # A worker thread serves other people next.
            timezone.deactivate()


class PersonLanguageMiddleware:
    """Pages are in the language of the person reading (clinic.languages): a patient's own,
    staff the default, a visitor the public switch's or their browser's. Replaces Django's
    LocaleMiddleware, which knows only the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # A worker thread serves other people next.
            translation.deactivate()
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # The same address answers in another language for another browser.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        # An API token may have named the reader inside the view (clinic.languages.activate_for).
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
