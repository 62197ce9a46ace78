"""The Celery app: reads its settings from Django (CELERY_*) and finds each app's tasks.py."""

import os
from pathlib import Path

from celery import Celery, signals
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")

app = Celery("groundwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def load_url_map(**kwargs) -> None:
    """Messages carry links (`reverse`), and the first link a process makes loads the URL map
    with every view module behind it: about 4 s, WeasyPrint included. A worker loads it as it
    starts (in the parent, before a prefork pool forks), not inside its first sweep of due
    reminders. Celery's Django fixup has set Django up by then (its handler comes first)."""
    get_resolver().url_patterns  # noqa: B018 - the attribute loads the URL conf


def filesystem_broker_folders() -> None:
    """Make the folders of kombu's filesystem broker (the embedded default without Redis):
    kombu writes into them but does not create them. Called when Django starts
    (`clinic.apps`), in the web process, the worker and the tests alike."""
    if not str(app.conf.broker_url or "").startswith("filesystem"):
        return
    options = app.conf.broker_transport_options or {}
    folders = [options.get(k) for k in ("data_folder_in", "data_folder_out", "control_folder")]
    folders.append(options.get("processed_folder"))
    result = str(app.conf.result_backend or "")
    if result.startswith("file://"):
        folders.append(result.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)
