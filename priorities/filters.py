"""The FilterSet for lists of actions: the API and the actions CSV download both use it."""

import django_filters

from core.forms import GovukFilterForm, choice_errors
from priorities.models import Action, PartnerOrganisation, PlanEdition, Priority


def public_editions(request=None):
    return PlanEdition.objects.public()


def current_priorities(request=None):
    return Priority.objects.current().order_by("number")


def lead_bodies(request=None):
    # The lead body lives in the governance app, which this app never imports: reach it through the field.
    return Action._meta.get_field("lead_body").related_model.objects.order_by("order", "name")


class ActionFilter(django_filters.FilterSet):
    """Actions by plan edition, priority of the current plan, status (the latest update's), lead partner, lead body."""

    edition = django_filters.ModelChoiceFilter(
        field_name="priority__edition",
        queryset=public_editions,
        to_field_name="slug",
        label="Plan edition",
        help_text="The edition's slug, e.g. 2022-2027.",
        error_messages=choice_errors("plan edition"),
    )
    priority = django_filters.ModelChoiceFilter(
        queryset=current_priorities,
        to_field_name="slug",
        label="Priority",
        help_text="The slug of a priority of the current plan, e.g. reducing-risk.",
        error_messages=choice_errors("priority"),
    )
    status = django_filters.ChoiceFilter(
        choices=Action.Status.choices,
        method="filter_status",
        label="Status",
        error_messages=choice_errors("status"),
    )
    lead_partner = django_filters.ModelChoiceFilter(
        field_name="lead_partners",
        queryset=PartnerOrganisation.objects.order_by("name"),
        label="Lead partner",
        help_text="The id of a partner organisation leading the action.",
        error_messages=choice_errors("lead partner"),
    )
    lead_body = django_filters.ModelChoiceFilter(
        queryset=lead_bodies,
        to_field_name="slug",
        label="Lead body",
        help_text="The slug of the board or group overseeing the action, e.g. communities-board.",
        error_messages=choice_errors("lead body"),
    )

    class Meta:
        model = Action
        fields = ["edition", "priority", "status", "lead_partner", "lead_body"]
        form = GovukFilterForm

    def filter_status(self, queryset, name, value):
        # The status is the latest progress update's, which only the annotation knows.
        return queryset.with_status().filter(latest_status=value)
