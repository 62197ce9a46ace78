"""The Django admin site, closed to any session that has not passed the second factor.

The admin edits every clinic's users, memberships and patients, so a password alone must not
open it. Staff pages send an unverified session to enter or set up its code
(`StaffTwoFactorMiddleware`, which covers /admin/ too); this check stands behind that, so no
admin page answers such a session even if the middleware were bypassed or reordered.
"""

from django.contrib import admin

from . import two_factor


class ClinicAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        verified = getattr(user, "is_verified", None)  # set on request.user by OTPMiddleware
        return not two_factor.required_for(user) or bool(verified and verified())
