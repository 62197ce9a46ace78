"""Tasks of the sweep benchmark, loaded by workers that run the benchmark settings."""

import time

from celery import shared_task

from clinic.notifications import sweep


@shared_task(ignore_result=True)
def noop() -> None:
    """The reference: a task that does nothing, so only the worker's own cost remains."""


@shared_task
def stamp() -> float:
    """The wall-clock time this task ran; a stamp before and after the no-ops times them."""
    return time.time()


@shared_task
def timed_sweep() -> dict:
    """One sweep, the same code as dispatch_due, timed inside the worker."""
    started = time.perf_counter()
    report = sweep.sweep()
    return {"seconds": time.perf_counter() - started, **report.as_dict()}
