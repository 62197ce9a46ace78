"""The WSGI entry point gives each request its own room on CPython's frame stack
(clinic/site/wsgi.py): calls that go back and forth across a 16 KiB chunk border no longer map
and unmap a chunk each time."""

import io
import resource
import sys

import pytest

from clinic.site import wsgi


def _leaf(a, b, c):
    return [a, b, c]


def _at_depth(depth, then):
    return then() if depth == 0 else _at_depth(depth - 1, then)


def _back_and_forth():
    for _ in range(300):
        _leaf(1, 2, 3)


def _page_faults_over_depths(deepest: int) -> int:
    """Minor page faults while calling back and forth at every depth up to `deepest`: at some
    depth the calls cross a chunk border, wherever the caller's stack ends."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for depth in range(deepest):
        _at_depth(depth, _back_and_forth)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_calls_inside_the_stack_room_do_not_fault_at_any_depth():
    # 250 frames of this size span more than one 16 KiB chunk, far less than the 64 KiB room.
    roomy = wsgi.with_stack_room(lambda environ, start_response: _page_faults_over_depths(250))
    _page_faults_over_depths(250)  # the pages the test itself needs, once
    assert roomy({}, None) < 100


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's frame stack")
def test_the_served_application_is_the_roomy_one():
    assert wsgi.application.__code__.co_stacksize == wsgi.STACK_ROOM_SLOTS


@pytest.mark.django_db
def test_a_request_through_the_entry_point_is_answered():
    statuses = []
    body = b"".join(
        wsgi.application(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/healthz/",
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "HTTP_HOST": "testserver",
                "wsgi.input": io.BytesIO(b""),
                "wsgi.url_scheme": "http",
                "wsgi.errors": sys.stderr,
            },
            lambda status, headers, exc_info=None: statuses.append(status),
        )
    )
    assert statuses and statuses[0].startswith(("200", "503")), statuses
    assert body
