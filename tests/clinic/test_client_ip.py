"""One client address for lockouts, throttles and limiters; X-Forwarded-For only via proxies."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from clinic.client_ip import client_ip
from clinic.throttling import ClientRateThrottle

PASSWORD = "correct-horse-battery"
TOKEN = "/api/v1/auth/token/"


def request_from(remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def auth_rate(monkeypatch, empty_cache):
    """The token endpoint's `auth` rate, lowered so a test reaches it."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("192.0.2.10", "203.0.113.66")) == "192.0.2.10"


def test_behind_one_proxy_the_right_most_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "203.0.113.66, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.2", "203.0.113.66, 198.51.100.7, 10.0.0.1")
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize("header", [None, "", "not an address"])
def test_a_request_that_skipped_the_proxy_counts_as_the_socket(settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", header)) == "10.0.0.2"


def test_the_address_is_resolved_once_per_request(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("192.0.2.10")
    assert client_ip(request) == "192.0.2.10"
    request.META["REMOTE_ADDR"] = "192.0.2.99"
    assert client_ip(request) == "192.0.2.10"


@pytest.mark.django_db
def test_a_made_up_forwarded_for_does_not_dodge_the_token_throttle(api, world, auth_rate):
    """The review's bypass: a new X-Forwarded-For on each request was a new client."""
    body = {"username": world.home.patient_a.user.email, "password": PASSWORD}
    codes = [
        api.post(
            TOKEN, body, format="json", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled_by_the_auth_rate(api, world, auth_rate):
    body = {"username": world.home.patient_a.user.email, "password": PASSWORD}
    codes = [api.post(TOKEN, body, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another client is not held back by the first one's requests.
    assert api.post(TOKEN, body, format="json", REMOTE_ADDR="192.0.2.77").status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_the_throttle_counts_each_client(api, world, auth_rate, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    body = {"username": world.home.patient_a.user.email, "password": PASSWORD}

    def post(client_address, spoofed="6.6.6.6"):
        forwarded = f"{spoofed}, {client_address}"
        return api.post(
            TOKEN, body, format="json", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # Clients behind the one proxy address are told apart ...
    assert [post(f"198.51.100.{n}") for n in range(5)] == [200] * 5
    # ... and one of them cannot hide behind made-up entries left of its own.
    assert [post("198.51.100.9", spoofed=f"6.6.6.{n}") for n in range(4)] == [200] * 3 + [429]


@pytest.mark.django_db
def test_axes_records_the_socket_address_when_no_proxy_is_trusted(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.post(
        reverse("login"),
        {"username": world.home.clinician.email, "password": "wrong"},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]


@pytest.mark.django_db
def test_axes_records_the_client_behind_a_trusted_proxy(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": world.home.clinician.email, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


@pytest.mark.django_db
def test_behind_a_proxy_the_magic_link_limit_is_per_client(client, world, settings, empty_cache):
    """Everyone behind the proxy shared the proxy's 5 requests per 15 minutes."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(7):
        response = client.post(
            reverse("magic_link_request"),
            {"email": f"someone{n}@example.test"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        assert "Too many requests" not in response.content.decode()


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_made_up_header_does_not_dodge_the_magic_link_limit(
    client, world, settings, empty_cache
):
    settings.TRUSTED_PROXY_COUNT = 0
    email = world.home.patient_b.email
    answers = [
        client.post(
            reverse("magic_link_request"),
            {"email": f"{n}{email}"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}",
        ).content.decode()
        for n in range(6)
    ]
    assert ["Too many requests" in answer for answer in answers] == [False] * 5 + [True]
    assert len(mail.outbox) == 0  # none of the made-up addresses is a patient's
