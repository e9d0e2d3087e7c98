"""Public pages for the plan's editions and for each action the Board will take, and the actions as CSV.

Only public editions (published or archived) are reachable: every queryset starts from `.public()`,
so a draft's pages answer 404 exactly as an unknown address does. Each view loads what its template
shows in a fixed number of queries, however many priorities, actions or updates there are.
"""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from core.decisions import decisions_about, minutes_about
from core.downloads import csv_response, filter_errors_response
from core.pagination import PagedListMixin
from priorities.csv_export import ACTION_CSV_HEADER, action_rows
from priorities.filters import ActionFilter
from priorities.models import Action, PlanEdition, Priority, ProgressUpdate


def public_successors():
    """The public editions that follow an edition, for prefetching as `edition.successors`."""
    return Prefetch("followed_by", queryset=PlanEdition.objects.public(), to_attr="successors")


def edition_list_crumbs():
    return [("Home", reverse("home")), ("Plan editions", reverse("priorities:edition-list"))]


class EditionListView(ListView):
    """Every public edition of the plan, newest first, with its approval and what it follows."""

    context_object_name = "editions"

    def get_queryset(self):
        return PlanEdition.objects.public().select_related("follows").prefetch_related(public_successors())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", reverse("home")), ("Plan editions", None)]
        return context


class EditionDetailView(DetailView):
    """One public edition: its summary, vision, commitments, priorities and approval."""

    context_object_name = "edition"

    def get_queryset(self):
        priorities = Priority.objects.annotate(action_count=Count("actions")).order_by("number")
        return (
            PlanEdition.objects.visible_to(self.request.user)
            .select_related("follows")
            .prefetch_related(
                "commitments",
                Prefetch("priorities", queryset=priorities),
                public_successors(),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.object
        # An archived edition points readers to the plan that replaced it.
        current = None if edition.is_current else PlanEdition.objects.current()
        context.update(
            decisions=decisions_about(edition),
            minutes_about=minutes_about(edition),
            is_current=edition.is_current,
            current_edition=current,
            breadcrumbs=[*edition_list_crumbs(), (edition.title, None)],
        )
        return context


class ActionDetailView(DetailView):
    """One action the Board will take: who leads it, its status (its latest update's), any flag, and its updates."""

    context_object_name = "action"
    template_name = "priorities/action_detail.html"

    def get_object(self, queryset=None):
        updates = ProgressUpdate.objects.final().newest_first()
        queryset = (
            Action.objects.visible_to(self.request.user)
            .with_status()
            .select_related("priority__edition", "lead_body")
            .prefetch_related("lead_partners", Prefetch("updates", queryset=updates))
        )
        return get_object_or_404(
            queryset,
            priority__edition__slug=self.kwargs["edition"],
            priority__slug=self.kwargs["priority"],
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        priority = action.priority
        edition = priority.edition
        context.update(
            priority=priority,
            edition=edition,
            is_current=edition.is_current,
            flag=action.flag(as_of=timezone.localdate()),
            decisions=decisions_about(action),
            minutes_about=minutes_about(action),
            breadcrumbs=[
                *edition_list_crumbs(),
                (edition.title, edition.get_absolute_url()),
                (priority.title, priority.get_absolute_url()),
                (f"Action {action.reference}", None),
            ],
        )
        return context


class ActionListView(PagedListMixin, ListView):
    """Everything the Board will do under one priority, in pages: where the priority's own page, which lists
    the first few, sends readers for the rest."""

    template_name = "priorities/action_list.html"
    list_name = "this priority’s actions"

    def get(self, request, *args, **kwargs):
        self.priority = get_object_or_404(
            Priority.objects.visible_to(request.user).select_related("edition"),
            edition__slug=self.kwargs["edition"],
            slug=self.kwargs["priority"],
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Action.objects.filter(priority=self.priority)
            .with_status()
            .select_related("priority__edition", "lead_body")
            .prefetch_related("lead_partners")
            .order_by("number", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        priority, edition = self.priority, self.priority.edition
        today = timezone.localdate()
        actions = list(context["object_list"])
        context.update(
            priority=priority,
            edition=edition,
            actions=[(action, action.flag(as_of=today)) for action in actions],
            action_records=actions,
            csv_url=f"{reverse('priorities:actions-csv')}?edition={edition.slug}"
            + (f"&priority={priority.slug}" if edition.is_current else ""),
            breadcrumbs=[
                *edition_list_crumbs(),
                (edition.title, edition.get_absolute_url()),
                (priority.title, priority.get_absolute_url()),
                ("What the Board will do", None),
            ],
        )
        return context


class ActionsCSVView(View):
    """The actions of every public edition as CSV, one row per action, filtered with the API's parameters, streamed."""

    def get(self, request):
        filterset = ActionFilter(request.GET, queryset=Action.objects.public(), request=request)
        if not filterset.is_valid():
            return filter_errors_response(filterset)
        rows = action_rows(filterset.qs, as_of=timezone.localdate())
        return csv_response("kcp-plan-actions.csv", ACTION_CSV_HEADER, rows)
