"""Every model of every app in the officer admin: registered with its history, and its pages work.

Parametrised over the admin registry, so a model added later is covered, and fails, until it has
a factory, search fields and all its fields on the form.
"""

import pytest

from core.admin_testing import (
    admin_id,
    check_app_registration,
    check_autocompletes,
    check_changelist_query_budget,
    check_pages_open,
    check_search,
    factories_by_model,
    registered_admins,
)
from governance.tests import factories as governance_factories
from measures.tests import factories as measures_factories
from priorities.tests import factories as priorities_factories

APPS = ["priorities", "measures", "governance"]
ADMINS = [model_admin for app in APPS for model_admin in registered_admins(app)]
FACTORIES = factories_by_model(priorities_factories, measures_factories, governance_factories)


@pytest.mark.parametrize("app_label", APPS)
def test_every_model_is_in_the_admin_with_its_history_and_every_field(rf, officer, app_label):
    request = rf.get("/admin/")
    request.user = officer
    check_app_registration(app_label, request)


@pytest.mark.parametrize("model_admin", ADMINS, ids=admin_id)
def test_list_add_change_and_history_pages_open(officer_client, model_admin):
    check_pages_open(officer_client, model_admin, FACTORIES)


@pytest.mark.parametrize("model_admin", ADMINS, ids=admin_id)
def test_search_finds_the_record(officer_client, model_admin):
    check_search(officer_client, model_admin, FACTORIES)


@pytest.mark.parametrize("model_admin", ADMINS, ids=admin_id)
def test_list_costs_no_query_per_row(officer_client, model_admin):
    check_changelist_query_budget(officer_client, model_admin, FACTORIES)


@pytest.mark.parametrize("model_admin", ADMINS, ids=admin_id)
def test_autocompletes_answer(officer_client, model_admin):
    check_autocompletes(officer_client, model_admin, FACTORIES)
