"""WSGI entry point (gunicorn clinic.site.wsgi).

Each request runs inside `with_stack_room`, a one-line call whose frame reserves a large
Python data stack. CPython (3.11 to 3.13 at least) keeps frames on a stack of 16 KiB chunks and
unmaps a chunk as soon as the last frame in it returns. A gunicorn sync worker starts a request
about a hundred frames deep, so the template and ORM calls of a page kept crossing a chunk
border: `strace` counted some 1,800 mmap/munmap pairs per patient page, a quarter of the
request's CPU time in page faults (`make bench`, docs in README "Benchmarks"). A frame that
needs 64 KiB gets a 128 KiB chunk of its own, so the whole request fits in the room after it
and the chunk is mapped once per request.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.production")

# Stack slots reserved by the wrapper's frame (8 bytes each): 64 KiB.
STACK_ROOM_SLOTS = 8192


def with_stack_room(app):
    """`app`, called from a frame that reserves STACK_ROOM_SLOTS of Python data stack."""

    def call(environ, start_response):
        return app(environ, start_response)

    call.__code__ = call.__code__.replace(co_stacksize=STACK_ROOM_SLOTS)
    return call


application = with_stack_room(get_wsgi_application())
