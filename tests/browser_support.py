"""Real-browser fixtures, a pytest plugin loaded by tests/conftest.py.

Debian's chromium is driven by Playwright against a live server.

Browsers are never downloaded: Playwright launches /usr/bin/chromium. Every page records
console errors and failed requests, and `check_page` runs axe-core (from node_modules) and
saves a screenshot under var/screenshots/.
"""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def chromium(monkeypatch):
    """A browser per test: Playwright's sync API marks an event loop as running in this
    thread while it is open, so it must not outlive the test (later tests use the ORM)."""
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls are plain synchronous code run beside Playwright's loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Console errors and failed requests seen while a page was open.

    A form sent back with its errors answers 400 on purpose, and Chromium logs every 4xx
    page as "Failed to load resource"; that one line is not counted when it belongs to a
    page (document) answer. A 4xx script, style sheet or fetch still counts.
    """

    def __init__(self, page):
        self._console: list[tuple[str, str]] = []
        self._other: list[str] = []
        self._pages_4xx: set[str] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self._other.append(str(e)))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_request_failed(self, request) -> None:
        # A request the browser itself cancelled because the test navigated or reloaded (the
        # favicon of the page being left, say) is not a failure of the app; anything else is.
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "fetch":
            return
        self._other.append(f"failed: {request.method} {request.url} ({request.failure})")

    def _on_console(self, message) -> None:
        if message.type == "error":
            self._console.append((message.text, (message.location or {}).get("url", "")))

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self._other.append(f"HTTP {response.status}: {response.url}")
        elif response.status >= 400 and response.request.resource_type == "document":
            self._pages_4xx.add(response.url)

    @property
    def errors(self) -> list[str]:
        console = [
            text
            for text, url in self._console
            if not (text.startswith("Failed to load resource") and url in self._pages_4xx)
        ]
        return console + self._other


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(viewport) -> (page, problems); the context is closed after the test.

    Every browser comes from 127.0.0.1, so the public forms' per-address limits (counters in
    the shared cache: Redis in CI) would add up across tests; each test starts without them.
    """
    cache.clear()
    contexts = []

    def _open(viewport=DESK):
        context = chromium.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page, PageProblems(page)

    yield _open
    for context in contexts:
        context.close()


def check_page(page, name: str) -> None:
    """Save a screenshot and fail on serious or critical accessibility violations."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    # Evaluated through the DevTools protocol, so the page's strict CSP does not block it.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate("async () => await axe.run(document)")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in bad
    ]
    assert not bad, f"{name}: accessibility violations {json.dumps(summary)}"


def sign_in(page, email: str, password: str = "groundwork-demo") -> None:
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
