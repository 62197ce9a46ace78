"""Signal receivers of the clinic app: signing out of the browser ends the API tokens too."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from .services import api_tokens_end


@receiver(user_logged_out, dispatch_uid="gw_logout_ends_tokens")
def _signed_out(sender, request, user, **kwargs):
    # "Sign out" means everywhere this person chose to be signed in, their API clients too.
    if user is not None:
        api_tokens_end(user_id=user.pk)
