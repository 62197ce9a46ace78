"""Celery tasks of the notifications app: thin wrappers around the sweep and the daily plans."""

from celery import shared_task

from . import services, sweep


@shared_task
def dispatch_due() -> dict[str, int]:
    """Send what is due; beat runs it every minute and bookings nudge it after commit."""
    return sweep.sweep().as_dict()


@shared_task
def program_reminders_roll() -> dict[str, int]:
    """Daily: keep a week of home-program reminders ahead of every published program."""
    return services.program_reminders_roll()


@shared_task
def rescreen_due_check() -> dict[str, int]:
    """Daily: ask patients whose last screen is due for a repeat to book one."""
    return services.rescreen_due_check()
