"""How the portal's database connections are set up."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_never_spends_a_request_compiling_a_query():
    """At 100x the plan, compiling the status query (PostgreSQL's JIT) took 230 ms of a 243 ms page."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
