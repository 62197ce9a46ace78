"""The performance benchmark: a large seeded data set, the HTTP and sweep measurements.

Nothing here runs in production; `make bench` and `manage.py seed_load` use it.
"""
