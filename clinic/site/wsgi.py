"""WSGI entry point (gunicorn clinic.site.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.production")
application = get_wsgi_application()
