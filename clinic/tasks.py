"""Housekeeping tasks of the clinic app."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .health import HEARTBEAT_KEY
from .magic_links import send_magic_links_to
from .services import send_password_reset


@shared_task
def heartbeat() -> str:
    """Record that the scheduler and a worker are alive; the health page reads it."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp


@shared_task(ignore_result=True)
def magic_links_send(email: str, base_url: str) -> None:
    """Sign-in links for whoever the address finds (clinic.magic_links.send_magic_links_to)."""
    send_magic_links_to(email=email, base_url=base_url)


@shared_task(ignore_result=True)
def password_reset_send(email: str, domain: str, use_https: bool) -> None:
    """The password-reset e-mail for the active account with this address, if there is one."""
    send_password_reset(email=email, domain=domain, use_https=use_https)


@shared_task
def add(x: int, y: int) -> int:
    """A trivial task used to prove the broker and a worker work end to end."""
    return x + y
