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
    """Console errors and failed requests seen while a page was open."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.method} {r.url}"))
        page.on(
            "response",
            lambda r: r.status >= 500 and self.errors.append(f"HTTP {r.status}: {r.url}"),
        )


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(viewport) -> (page, problems); the context is closed after the test."""
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
