"""Every model of every app in the officer admin: registered with its history, and its pages work.

Parametrised over the admin registry, so a model added later is covered, and fails, until it has
a factory, search fields and all its fields on the form.
"""

import re

import pytest
from django.utils.html import strip_tags

from core.admin_testing import (
    admin_id,
    admin_url,
    check_app_registration,
    check_autocompletes,
    check_changelist_query_budget,
    check_pages_open,
    check_search,
    factories_by_model,
    make_instance,
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


# A list fits a laptop's screen with a few short columns (tests/test_admin_browser.py measures it in Chromium).
MOST_COLUMNS = 5
LONGEST_HEADING = 20


@pytest.mark.parametrize("model_admin", ADMINS, ids=admin_id)
def test_each_list_has_a_few_columns_with_short_headings(officer_client, model_admin):
    make_instance(model_admin, FACTORIES)

    content = officer_client.get(admin_url(model_admin.model, "changelist")).content.decode()

    head = content.split('<table id="result_list">')[1].split("</thead>")[0]
    headings = [strip_tags(heading).strip() for heading in re.findall(r'<div class="text">(.*?)</div>', head, re.S)]
    headings = [heading for heading in headings if heading]  # the first, the box to select every row, has none
    assert 1 <= len(headings) <= MOST_COLUMNS, headings
    assert [heading for heading in headings if len(heading) > LONGEST_HEADING] == []
