"""The site's own pages: those that bring the plan, its measures and its meetings together.

They live in the project package because they draw on all three apps, and `priorities` (the core)
must not depend on the others.
"""

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.errors import CONTROL
from governance.models import AgendaItem, Meeting
from measures.csv_export import VALUE_COLUMNS
from measures.filters import ReportedValueFilter
from measures.models import Measure, ReportedValue
from measures.status import StatusSummary
from priorities.csv_export import ACTION_COLUMNS
from priorities.filters import ActionFilter
from priorities.models import Action, PlanEdition, Priority, Theme

BOARD = "communities-board"


def page(template_name):
    return TemplateView.as_view(template_name=template_name)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"User-agent: *\nDisallow: /admin/\n\nSitemap: {sitemap}\n", content_type="text/plain")


def measures_with_status():
    """Measures with their latest published readings, so each one's status costs no extra query."""
    return Measure.objects.with_latest().select_related("lead_partner").order_by("number")


class HomeView(TemplateView):
    """The vision, the priorities at a glance, how the measures stand, and the Board's meetings."""

    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = PlanEdition.objects.current()
        context["edition"] = edition
        if edition is not None:
            priorities = list(
                edition.priorities.annotate(action_count=Count("actions", distinct=True)).prefetch_related(
                    Prefetch("measures", queryset=measures_with_status())
                )
            )
            summary = StatusSummary.of(measure for priority in priorities for measure in priority.measures.all())
            context.update(
                priorities=priorities,
                status_counts=summary.counts,
                measure_count=summary.total,
                has_illustrative=summary.has_illustrative,
            )
        today = timezone.localdate()
        board_meetings = Meeting.objects.public().filter(body__slug=BOARD).select_related("body")
        context["next_meeting"] = (
            board_meetings.filter(date__gte=today, status=Meeting.Status.SCHEDULED).order_by("date").first()
        )
        context["latest_meeting"] = board_meetings.filter(date__lt=today).order_by("-date").first()
        return context


class PlanOnAPageView(TemplateView):
    """The outcome framework: every measure of the current plan, by priority, with its status."""

    template_name = "pages/plan_on_a_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = PlanEdition.objects.current()
        context["edition"] = edition
        context["breadcrumbs"] = [("Home", reverse("home")), ("Plan on a page", None)]
        if edition is not None:
            priorities = list(
                edition.priorities.prefetch_related(Prefetch("measures", queryset=measures_with_status()))
            )
            summary = StatusSummary.of(measure for priority in priorities for measure in priority.measures.all())
            context.update(
                priorities=priorities,
                status_counts=summary.counts,
                has_illustrative=summary.has_illustrative,
            )
        return context


class PriorityDetailView(TemplateView):
    """A strategic priority: what it includes, what the Board will do, its measures and the evidence."""

    template_name = "pages/priority_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        priority = get_object_or_404(
            Priority.objects.public()
            .select_related("edition")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.filter(parent=None).prefetch_related("sub_themes")),
                Prefetch(
                    "actions",
                    queryset=Action.objects.with_status().select_related("lead_body").prefetch_related("lead_partners"),
                ),
                Prefetch("measures", queryset=measures_with_status()),
            ),
            edition__slug=self.kwargs["edition"],
            slug=self.kwargs["slug"],
        )
        measures = list(priority.measures.all())
        edition = priority.edition
        today = timezone.localdate()
        context["breadcrumbs"] = [
            ("Home", reverse("home")),
            (edition.title, reverse("priorities:edition-detail", kwargs={"slug": edition.slug})),
            (f"Priority {priority.number}", None),
        ]
        context.update(
            priority=priority,
            edition=priority.edition,
            actions=[(action, action.flag(as_of=today)) for action in priority.actions.all()],
            measures=measures,
            has_illustrative=StatusSummary.of(measures).has_illustrative,
        )
        return context


class SearchView(TemplateView):
    """Search the public priorities, actions, measures and meetings."""

    template_name = "pages/search.html"
    limit = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("Home", reverse("home")), ("Search", None)]
        query = self.request.GET.get("q", "").strip()
        context["query"] = query
        if "q" not in self.request.GET:
            return context
        if len(query) < 2:
            context["error"] = "Enter at least 2 characters to search for"
            return context
        if len(query) > 100:
            context["error"] = "Search for 100 characters or fewer"
            return context
        if CONTROL.search(query):
            context["error"] = "Search for words and numbers only: remove the characters that cannot be typed"
            return context
        priorities = Priority.objects.public().select_related("edition")
        actions = Action.objects.public().select_related("priority__edition")
        measures = Measure.objects.public().select_related("priority__edition")
        items = AgendaItem.objects.filter(meeting__is_published=True).select_related("meeting__body")
        results = {
            "priorities": priorities.filter(
                Q(title__icontains=query) | Q(introduction__icontains=query) | Q(themes__title__icontains=query)
            ).distinct(),
            "actions": actions.filter(text__icontains=query),
            "measures": measures.filter(
                Q(title__icontains=query) | Q(plan_wording__icontains=query) | Q(code__iexact=query)
            ),
            "meetings": items.filter(
                Q(title__icontains=query) | Q(description__icontains=query) | Q(minute__icontains=query)
            ),
        }
        results = {name: list(queryset[: self.limit]) for name, queryset in results.items()}
        context["results"] = results
        context["total"] = sum(len(found) for found in results.values())
        return context


def parameters(filterset_class, **notes):
    """The query parameters a download takes, read from the FilterSet it shares with the API.

    Read rather than written out, so the open data page cannot fall behind the filters. `notes` replace
    what a filter's own help says, where that would mislead about the download.
    """
    rows = []
    for name, spec in filterset_class.base_filters.items():
        choices = spec.extra.get("choices")
        if name in notes:
            accepts = notes[name]
        elif spec.extra.get("help_text"):
            accepts = spec.extra["help_text"]
        elif isinstance(choices, list | tuple):
            accepts = "One of: " + ", ".join(f"{value} ({label})" for value, label in choices) + "."
        else:
            accepts = ""
        rows.append({"name": name, "label": spec.label, "accepts": accepts})
    return rows


# The worked example on the open data page: one measure's values over two financial years.
EXAMPLE_QUERY = "measure=KPM-1.1&period_from=2022-04-01&period_to=2024-03-31"


class OpenDataView(TemplateView):
    """What data the portal publishes, every download, the API, the file format and the licence."""

    template_name = "pages/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = PlanEdition.objects.current()
        measures = []
        if edition is not None:
            measures = Measure.objects.filter(priority__edition=edition).select_related("priority")
            measures = measures.order_by("priority__number", "number")
        final_only = "final (the downloads hold final figures only: provisional figures are never published)"
        context.update(
            edition=edition,
            measures=measures,
            values_published=ReportedValue.objects.published().exists(),
            value_columns=VALUE_COLUMNS,
            action_columns=ACTION_COLUMNS,
            value_parameters=parameters(ReportedValueFilter, status=final_only),
            action_parameters=parameters(ActionFilter),
            example_url=f"{reverse('measures:values-csv')}?{EXAMPLE_QUERY}",
            breadcrumbs=[("Home", reverse("home")), ("Open data", None)],
        )
        return context
