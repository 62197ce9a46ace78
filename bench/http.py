"""The HTTP benchmark: gunicorn with the benchmark settings, real sign-ins, wrk on loopback.

Each round runs the bare view, then an endpoint, then the bare view again before the next
endpoint, so every ratio compares two runs a few seconds apart on the same machine.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from .report import WrkRun, parse_wrk
from .scenario import Endpoint, Plan

HOST = "127.0.0.1"


class Browser:
    """Just enough of a browser for a real sign-in: cookies (Secure ones too, since the
    requests are marked as coming through the TLS proxy) and the CSRF header."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{HOST}:{self.port}/",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = self.headers()
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value in ("", '""') or "max-age=0" in cookie.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        connection.close()
        return response.status, content

    def sign_in(self, email: str, password: str, codes: list[str] | None = None) -> None:
        self.request("GET", "/login/")
        status, _ = self.request("POST", "/login/", {"username": email, "password": password})
        if status != 302:
            raise RuntimeError(f"Signing in {email} answered {status}")
        if codes:
            status, _ = self.request("POST", "/2fa/verify/", {"code": codes[0]})
            if status != 302:
                raise RuntimeError(f"Two-factor check of {email} answered {status}")


def lua_script(endpoint: Endpoint, browser: Browser | None, port: int) -> str:
    """The wrk script sending one endpoint's request with the actor's cookies."""
    headers = (
        browser.headers()
        if browser
        else {
            "Host": f"{HOST}:{port}",
            "X-Forwarded-Proto": "https",
        }
    )
    lines = [f"wrk.method = {json.dumps(endpoint.method)}"]
    if endpoint.method == "POST":
        lines.append(f"wrk.body = {json.dumps(urlencode(endpoint.form, doseq=True))}")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if endpoint.paths:  # each request takes the next path, round the list
        lines += [
            f"paths = {{{', '.join(json.dumps(p) for p in endpoint.paths)}}}",
            "counter = 0",
            "request = function()",
            "  counter = counter % #paths + 1",
            "  return wrk.format(nil, paths[counter])",
            "end",
        ]
    return "\n".join(lines) + "\n"


def ensure_wrk() -> str:
    """wrk from Debian, installed when missing (as .ci/run installs chromium)."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],  # noqa: S607
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk")


class Server:
    """gunicorn on loopback, for as long as the `with` block lasts, with as many sync workers
    as the production service of docker-compose.yml (`--workers 3`)."""

    def __init__(self, env: dict[str, str], port: int, workers: int = 3):
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "clinic.site.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
            ],
            env=self.env,
        )
        probe = Browser(self.port)
        for _ in range(100):
            try:
                if probe.request("GET", "/bench/bare/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def settle(port: int, timeout: float = 15.0) -> None:
    """Wait until the server has worked off what a run left queued: two quick bare answers in
    a row, so a slow endpoint's backlog does not count against the next run."""
    probe = Browser(port)
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        probe.request("GET", "/bench/bare/")
        quick = quick + 1 if time.monotonic() - started < 0.2 else 0


def run_wrk(
    wrk: str, script: Path, path: str, port: int, *, seconds: float, connections: int = 8
) -> WrkRun:
    settle(port)
    output = subprocess.run(  # noqa: S603
        [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def measure(
    plan: Plan, *, env: dict[str, str], port: int, rounds: int, seconds: float, log
) -> dict[str, list[tuple[WrkRun, WrkRun]]]:
    """For each endpoint, per round: (the bare view's run just before, the endpoint's run)."""
    wrk = ensure_wrk()
    bare, *endpoints = plan.endpoints
    results: dict[str, list[tuple[WrkRun, WrkRun]]] = {e.name: [] for e in endpoints}
    with Server(env, port), tempfile.TemporaryDirectory() as folder:
        browsers = {}
        for key, actor in plan.actors.items():
            browsers[key] = Browser(port)
            browsers[key].sign_in(actor["email"], actor["password"], actor.get("codes"))
        scripts = {}
        for endpoint in plan.endpoints:
            script = Path(folder) / f"{len(scripts)}.lua"
            script.write_text(lua_script(endpoint, browsers.get(endpoint.actor), port))
            scripts[endpoint.name] = script
        log("warming up")
        for endpoint in plan.endpoints:
            run_wrk(wrk, scripts[endpoint.name], endpoint.path, port, seconds=1)
        for round_no in range(rounds):
            for endpoint in endpoints:
                reference = run_wrk(wrk, scripts[bare.name], bare.path, port, seconds=seconds)
                run = run_wrk(wrk, scripts[endpoint.name], endpoint.path, port, seconds=seconds)
                results[endpoint.name].append((reference, run))
                log(
                    f"  round {round_no + 1}: {endpoint.name}: {run.requests_per_s:,.0f} req/s"
                    f" (bare {reference.requests_per_s:,.0f}), errors {run.errors}"
                )
    return results
