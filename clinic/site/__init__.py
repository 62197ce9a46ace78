"""The site: what sits on top of the ground floor and the apps.

The root URL confs (`urls`, `api_urls`, `setup_urls`), the first-run set-up pages, the demo
data, the Celery app and the WSGI/ASGI entry points. Modules here may import every app; no
module of the ground floor (clinic/*.py) or of an app imports them (tests/test_import_graph.py).
"""
