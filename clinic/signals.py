"""Signal receivers of the clinic app: signing out of the browser ends the API tokens too,
and django-axes' rows keep the path of a sign-in without a link token in it."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .link_tokens import redact_path
from .services import api_tokens_end


@receiver(user_logged_out, dispatch_uid="gw_logout_ends_tokens")
def _signed_out(sender, request, user, **kwargs):
    # "Sign out" means everywhere this person chose to be signed in, their API clients too.
    if user is not None:
        api_tokens_end(user_id=user.pk)


@receiver(pre_save, sender=AccessAttempt, dispatch_uid="gw_redact_AccessAttempt")
@receiver(pre_save, sender=AccessFailureLog, dispatch_uid="gw_redact_AccessFailureLog")
@receiver(pre_save, sender=AccessLog, dispatch_uid="gw_redact_AccessLog")
def _redact_axes_path(sender, instance, **kwargs) -> None:
    # django-axes keeps the path of every sign-in (and failure) in its tables, shown in the
    # admin; a magic link's path is its token (clinic.link_tokens).
    instance.path_info = redact_path(instance.path_info or "")
