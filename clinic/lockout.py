"""Which account django-axes counts a sign-in attempt against (the e-mail as typed,
lower-cased), and what a locked-out attempt is told.

The login form, the admin's form and the token API all send the e-mail in the field
`username` (and `authenticate(username=...)` passes it on under that key), while the user
model's USERNAME_FIELD is `email`. Axes must read `username`, or every failure is stored
against no account at all. E-mail addresses match without regard to case (the user manager),
so "Ana@Clinic.test" and "ana@clinic.test" are one account here too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELD = "username"

# What the sign-in page (clinic.views.locked_out) and the token API answer a locked-out attempt.
LOCKED_OUT_MESSAGE = _(
    "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password."
)


def username_for_lockout(request, credentials: dict | None = None) -> str | None:
    """The account an attempt is for: from the credentials passed to `authenticate`, else
    from the posted form."""
    if credentials:
        value = credentials.get(FIELD)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", None)
        value = data.get(FIELD) if hasattr(data, "get") else None  # a JSON list has no fields
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value or None
