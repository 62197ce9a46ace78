"""Sign-in backend: Django's model backend, loading what every signed-in request needs at once.

Every page and API call asks who the user is in the clinic (`clinic.access.membership_of` /
`patient_of`). Loading the staff membership and the patient record with the user, in the one
query the session already makes, saves two queries on every signed-in request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist


def _load(user_id):
    # A list, not .first(): the primary key finds at most one row, and an ORDER BY to pick
    # the first would be compiled on every request for nothing.
    found = list(
        get_user_model()
        ._default_manager.select_related("membership__clinic", "patient_profile__clinic")
        .filter(pk=user_id)
    )
    if not found:
        return None
    user = found[0]
    try:
        membership = user.membership
    except ObjectDoesNotExist:  # not staff
        membership = None
    try:
        patient = user.patient_profile
    except ObjectDoesNotExist:  # not a patient
        patient = None
    # The same attributes clinic.access fills on first use.
    user._gw_membership = membership if membership is not None and membership.is_active else None
    user._gw_patient = patient
    return user


class ClinicModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = _load(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
