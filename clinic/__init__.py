"""Groundwork's ground floor (users, clinics, staff roles, patients, access, sign-in) and the
project package: settings in `clinic.settings`, URL confs, Celery app and entry points in
`clinic.site`.

The Celery app is loaded with the package, so that `@shared_task` binds to it in every process.
"""

from .site.celery import app as celery_app

__all__ = ("celery_app",)
