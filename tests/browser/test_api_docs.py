"""The API documentation page works under the strict Content Security Policy."""

import pytest

from tests.browser_support import DESK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_without_console_errors(open_page):
    page, problems = open_page(DESK)
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    assert "Groundwork API" in page.inner_text(".swagger-ui .info")
    assert [e for e in problems.errors if "Content Security Policy" in e] == []
