"""The API documentation in real Chromium: Swagger UI works under our strict CSP, and passes axe."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def docs(page, live_site):
    """The docs page once Swagger UI has drawn every endpoint, and any CSP complaint on the way."""
    page.csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message))
    page.goto(f"{live_site.url}/api/docs/")
    page.get_by_text("/api/v1/measures/", exact=True).first.wait_for()
    return page


def test_a_new_user_can_try_an_endpoint_under_the_strict_content_security_policy(docs):
    docs.get_by_text("/api/v1/measures/{code}/", exact=True).first.click()
    docs.get_by_placeholder("code").fill("KPM-1.1")
    docs.get_by_role("button", name="Execute").click()
    answer = docs.locator(".live-responses-table .response-col_description pre").first
    answer.wait_for()
    assert '"code": "KPM-1.1"' in answer.inner_text()
    assert docs.csp_errors == []


def test_the_api_docs_pass_axe_once_drawn(docs, assert_accessible):
    assert_accessible()
