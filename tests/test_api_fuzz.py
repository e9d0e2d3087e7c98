"""A property-based fuzz of the open data API from its own OpenAPI schema (schemathesis).

For every operation the schema describes, schemathesis makes requests from the documented
parameters (valid values, and the edges of them) and checks each answer: never a server error,
and always a status code, content type and body that the schema says the API gives.
Derandomised, so a run in CI finds what a run on a laptop finds.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kcpp.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_plan_for_module")]


@pytest.fixture(autouse=True)
def requests_inside_the_test_transaction():
    """Keep the database connection open across requests, as Django's test client does.

    The requests go straight to the WSGI application, whose end-of-request handler would close a
    connection that is inside a transaction (on PostgreSQL), taking the test's data with it.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_every_request_as_its_schema_says(case):
    case.call_and_validate(
        # The WSGI test client does not undo compression as an HTTP client does: ask for none.
        headers={"Accept-Encoding": "identity"},
        # Filter values are checked against the records that exist (a lead partner's id, a body's slug),
        # which no schema can list: a well-formed but unknown value is rightly a 400 with a message, and
        # an empty one is ignored, as django-filter does. Every other check stays on, server errors first.
        excluded_checks=[schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection],
    )
