"""The Celery app: reads its settings from Django (CELERY_*) and finds each app's tasks.py."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.dev")

app = Celery("groundwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
