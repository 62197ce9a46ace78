"""Groundwork project package: settings, Celery app and the front-office domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
