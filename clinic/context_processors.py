"""Template context: the signed-in user's role and clinic, for navigation."""

from .access import clinic_of, role_of


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"gw_role": role_of(user), "gw_clinic": clinic_of(user)}
