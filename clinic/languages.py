"""The language each person reads Groundwork in.

Patients read their chosen language (Patient.language: set by the patient or by staff);
staff pages stay in the clinic's default language for now (they are translatable); a visitor
who is not signed in gets the language of the switch on the public pages (a cookie), else of
the browser (Accept-Language), else English. Messages a person is sent use `language_of`
too, through `translation.override` where they are built.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from .access import membership_of, patient_of


def language_of(user) -> str | None:
    """The language a signed-in `user` reads: a patient their own, staff the default; None
    for anyone else (the request decides). No query beyond the cached role lookups."""
    if membership_of(user) is not None:
        return settings.LANGUAGE_CODE
    patient = patient_of(user)
    # A plain str: Django caches language lookups by value and hands back the first object it
    # was given, so an enum member (an unsaved patient's default) would leak into headers.
    return str(patient.language) if patient is not None else None


def language_for_request(request) -> str:
    user = getattr(request, "user", None)
    chosen = language_of(user) if user is not None and user.is_authenticated else None
    if chosen is not None:
        return translation.get_supported_language_variant(chosen)
    return translation.get_language_from_request(request)


def activate_for(request, user) -> None:
    """Switch the request to `user`'s language once an API token has named them: DRF
    authenticates inside the view, after PersonLanguageMiddleware chose from the cookie or
    the browser (the middleware deactivates it again after the response)."""
    chosen = language_of(user)
    if chosen is None:
        return
    language = translation.get_supported_language_variant(chosen)
    translation.activate(language)
    request.LANGUAGE_CODE = language
