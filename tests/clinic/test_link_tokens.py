"""Link tokens (manage, unsubscribe, magic and password-reset links) stay out of the logs and
the audit context: paths are written with the token taken out, and the audit middleware
records the route's name instead of the path."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pghistory.runtime
import pytest
from django.test.client import RequestFactory
from django.test.signals import template_rendered
from django.urls import resolve, reverse
from gunicorn.config import Config

from clinic.audit import middleware
from clinic.booking import services as booking
from clinic.gunicorn_logging import Logger
from clinic.link_tokens import REDACTED, RedactLinkTokens, redact_path, redact_text
from clinic.magic_links import make_token
from clinic.notifications.preferences import unsubscribe_token
from tests.booking.conftest import build_booking

pytestmark = pytest.mark.django_db

TOKEN = "eyJhIjoxLCJjIjoyfQ:1vXyZq:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_"


def _link_paths(world) -> dict[str, tuple[str, str]]:
    """A path of every link-token route, with its token."""
    patient = world.home.patient_a
    tokens = {
        "booking_manage": TOKEN,
        "booking_public_done": TOKEN,
        "notifications:unsubscribe": unsubscribe_token(patient=patient, channel="email"),
        "magic_link": make_token(patient.user),
    }
    paths = {name: (reverse(name, args=[token]), token) for name, token in tokens.items()}
    paths["password_reset_confirm"] = (
        reverse("password_reset_confirm", args=["MQ", "c4b1x-0123456789abcdef"]),
        "c4b1x-0123456789abcdef",
    )
    return paths


def test_every_link_token_route_loses_its_token_and_other_paths_stay(world):
    for name, (path, token) in _link_paths(world).items():
        redacted = redact_path(path)
        assert token not in redacted, name
        assert REDACTED in redacted and resolve(redacted).url_name == resolve(path).url_name
    for path in ("/patients/12/", "/api/v1/screens/3/", "/no/such/page/", "/"):
        assert redact_path(path) == path


def test_paths_inside_log_lines_and_urls_are_redacted(world):
    path, token = _link_paths(world)["booking_manage"]
    line = f'"GET {path}?date=2030-01-07 HTTP/1.1" 200 512 "https://c.example{path}" "Mozilla/5.0"'
    redacted = redact_text(line)
    assert token not in redacted
    assert redacted == line.replace(token, REDACTED)


def test_djangos_request_log_names_no_token(client, world):
    """Django logs the path of a 404 (an expired manage link is one) through the root's
    console handler, which carries the filter."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactLinkTokens) for f in h.filters)
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        for path, token in _link_paths(world).values():
            client.get(path.replace(token, token + "x"))  # a forged token: 404 / 400
            client.post(path.replace(token, token + "x"))
    finally:
        handler.setStream(old)
    logged = stream.getvalue()
    assert "Not Found: /book/manage/[token]/" in logged
    for path, token in _link_paths(world).values():
        assert token not in logged


def test_the_gunicorn_access_log_names_no_token(tmp_path, world):
    path, token = _link_paths(world)["notifications:unsubscribe"]
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %(U)s "%(f)s" "%({location}o)s"')
    logger = Logger(cfg)
    environ = {
        "REMOTE_ADDR": "203.0.113.5",
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://clinic.example{path}",
    }
    response = SimpleNamespace(status="302 Found", headers=[("Location", path)], sent=0)
    request = SimpleNamespace(headers=[("REFERER", f"https://clinic.example{path}")])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    logged = (tmp_path / "access.log").read_text()
    assert "/notifications/unsubscribe/[token]/" in logged
    assert token not in logged


def test_the_audit_context_records_the_route_and_never_the_path(monkeypatch, world):
    """The middleware on its own (on SQLite `tracking()` is off, so it is turned on here; the
    test below runs the whole request on PostgreSQL)."""
    monkeypatch.setattr(middleware, "tracking", lambda: True)
    seen = {}
    for name, (path, token) in _link_paths(world).items():
        request = RequestFactory().get(path)
        request.user = SimpleNamespace(is_authenticated=False)
        audit = middleware.AuditContextMiddleware(None)

        def view(request, name=name):
            request.resolver_match = resolve(request.path_info)
            audit.process_view(request, None, (), request.resolver_match.kwargs)
            seen[name] = dict(pghistory.runtime._tracker.value.metadata)

        audit.get_response = view
        audit(request)
        assert token not in str(seen[name]), name
        assert seen[name]["route"] == resolve(path).view_name
        assert "url" not in seen[name]


@pytest.mark.postgres
def test_on_postgresql_link_requests_and_their_writes_name_the_route_only(client, world):
    """The real requests: each page renders inside its request's context, and a cancel made
    through the manage link is in the write history under the route's name."""
    from clinic.audit.models import AppointmentEvent

    setup = build_booking(world)
    appointment = booking.appointment_book(
        clinic=setup.clinic,
        appointment_type=setup.consult,
        start=setup.at(9),
        clinician=world.home.clinician,
        patient=world.home.patient_a,
    )
    manage = booking.manage_token(appointment)
    links = {
        **_link_paths(world),
        "booking_manage": (reverse("booking_manage", args=[manage]), manage),
        "booking_public_done": (reverse("booking_public_done", args=[manage]), manage),
    }
    seen = []

    def capture(**kwargs):
        tracker = pghistory.runtime._tracker
        if hasattr(tracker, "value"):
            seen.append(dict(tracker.value.metadata))

    template_rendered.connect(capture, dispatch_uid="link-token-test")
    try:
        for name, (path, _token) in links.items():
            seen.clear()
            assert client.get(path).status_code in (200, 302), name
            assert seen or name == "password_reset_confirm", name
            for context in seen:
                assert context["route"] == resolve(path).view_name, name
                assert "url" not in context
    finally:
        template_rendered.disconnect(dispatch_uid="link-token-test")

    assert client.post(links["booking_manage"][0], {"action": "cancel"}).status_code == 302
    event = AppointmentEvent.objects.filter(pgh_obj_id=appointment.pk).first()
    assert event.status == "cancelled"
    assert event.pgh_context["route"] == "booking_manage"
    assert manage not in str(event.pgh_context)
    # The access log has nothing of these public routes either.
    from clinic.audit.models import AccessEvent

    assert not [row for row in AccessEvent.objects.all() if manage in row.detail]


def test_signing_in_by_magic_link_leaves_no_token_in_the_sign_in_log(client, world):
    from axes.models import AccessLog

    user = world.home.patient_a.user
    token = make_token(user)
    assert client.post(reverse("magic_link", args=[token])).status_code == 302
    (row,) = AccessLog.objects.filter(username=user.get_username())
    assert row.path_info == "/login/link/[token]/"
    # Other sign-ins keep their path as it was.
    client.logout()
    client.post(reverse("login"), {"username": "nobody@example.org", "password": "wrong"})
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().path_info == reverse("login")
