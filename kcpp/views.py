"""The site's own pages: those that bring the plan, its measures and its meetings together.

They live in the project package because they draw on all three apps, and `priorities` (the core)
must not depend on the others.
"""

from django.db.models import F, Func, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import ListView, TemplateView

from core.decisions import decisions_about, minutes_about
from core.pagination import PagedListMixin
from governance.models import Meeting
from measures.csv_export import VALUE_COLUMNS
from measures.filters import ReportedValueFilter
from measures.models import Measure, ReportedValue
from measures.status import StatusSummary
from measures.views import priority_status_summary
from priorities.csv_export import ACTION_COLUMNS
from priorities.filters import ActionFilter
from priorities.models import Action, PlanEdition, Priority, Theme

from . import search

BOARD = "communities-board"


def page(template_name):
    return TemplateView.as_view(template_name=template_name)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"User-agent: *\nDisallow: /admin/\n\nSitemap: {sitemap}\n", content_type="text/plain")


def measures_with_status():
    """Measures with their latest published readings, so each one's status costs no extra query."""
    return Measure.objects.with_latest().select_related("lead_partner").order_by("number", "pk")


# How many of a priority's themes, actions or measures its own page and the plan on a page list; the rest
# are a link away, so that a page costs the same however many there are. The plan has at most 11 of any.
SHOWN = 12
# How many measures the open data page lists with their own downloads (the plan has 23).
DOWNLOADS_LISTED = 25


def how_many(records):
    """How many of `records` (filtered by `OuterRef`s) there are, as a number for each outer row: a subquery,
    so that two counts in one query do not multiply each other's joins."""
    counted = records.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Subquery(counted)


def first_of_each_priority(measures, count):
    """The first `count` of each priority's `measures`, in order, as a subquery of their ids."""
    place = Window(RowNumber(), partition_by=F("priority"), order_by=[F("number").asc(), F("pk").asc()])
    return measures.annotate(place=place).filter(place__lte=count).values("pk")


class HomeView(TemplateView):
    """The vision, the priorities at a glance, how the measures stand, and the Board's meetings."""

    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = PlanEdition.objects.current()
        context["edition"] = edition
        if edition is not None:
            priorities = edition.priorities.annotate(
                action_count=how_many(Action.objects.filter(priority=OuterRef("pk"))),
                measure_count=how_many(Measure.objects.filter(priority=OuterRef("pk"))),
            )
            summary = Measure.objects.filter(priority__edition=edition).status_summary()
            context.update(
                priorities=list(priorities),
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
    """The outcome framework: the measures of the current plan, by priority, with their status.

    Each priority lists its first `SHOWN` measures and links to the status page for all of them.
    """

    template_name = "pages/plan_on_a_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = PlanEdition.objects.current()
        context["edition"] = edition
        context["breadcrumbs"] = [("Home", reverse("home")), ("Plan on a page", None)]
        if edition is not None:
            of_edition = Measure.objects.filter(priority__edition=edition)
            shown = measures_with_status().filter(pk__in=first_of_each_priority(of_edition, SHOWN))
            priorities = list(
                edition.priorities.annotate(
                    measure_count=how_many(Measure.objects.filter(priority=OuterRef("pk")))
                ).prefetch_related(Prefetch("measures", queryset=shown))
            )
            summary = of_edition.status_summary()
            context.update(
                priorities=priorities,
                status_counts=summary.counts,
                has_illustrative=summary.has_illustrative,
            )
        return context


class PriorityDetailView(TemplateView):
    """A strategic priority: what it includes, what the Board will do, its measures and the evidence.

    Each of its lists shows its first `SHOWN`, and links to the whole list where there are more: the
    actions' own pages, the status page for the current plan's measures, and `?themes=all` for the themes.
    """

    template_name = "pages/priority_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        of_priority = OuterRef("pk")
        priority = get_object_or_404(
            Priority.objects.visible_to(self.request.user)
            .select_related("edition")
            .annotate(
                theme_count=how_many(Theme.objects.filter(priority=of_priority, parent=None)),
                action_count=how_many(Action.objects.filter(priority=of_priority)),
                measure_count=how_many(Measure.objects.filter(priority=of_priority)),
            ),
            edition__slug=self.kwargs["edition"],
            slug=self.kwargs["slug"],
        )
        themes = Theme.objects.filter(priority=priority, parent=None).prefetch_related("sub_themes")
        actions = (
            Action.objects.filter(priority=priority)
            .with_status()
            .select_related("priority__edition", "lead_body")
            .prefetch_related("lead_partners")
        )
        measures = list(measures_with_status().filter(priority=priority)[:SHOWN])
        edition = priority.edition
        today = timezone.localdate()
        context["breadcrumbs"] = [
            ("Home", reverse("home")),
            ("Plan editions", reverse("priorities:edition-list")),
            (edition.title, reverse("priorities:edition-detail", kwargs={"slug": edition.slug})),
            (priority.title, None),
        ]
        slugs = {"edition": edition.slug, "priority": priority.slug}
        actions = list(actions[:SHOWN])
        context.update(
            priority=priority,
            edition=edition,
            themes=list(themes if self.request.GET.get("themes") == "all" else themes[:SHOWN]),
            actions=[(action, action.flag(as_of=today)) for action in actions],
            action_records=actions,
            all_actions_url=reverse("priorities:action-list", kwargs=slugs),
            measures=measures,
            all_measures_url=f"{reverse('measures:status')}?priority={priority.slug}" if edition.is_current else "",
            has_illustrative=StatusSummary.of(measures).has_illustrative,
            decisions=decisions_about(priority),
            minutes_about=minutes_about(priority),
            status_summary=priority_status_summary(priority),
        )
        return context


class SearchView(PagedListMixin, ListView):
    """Search what the public may see: every kind of result, a few of each, or one kind in pages.

    How the search works is `kcpp.search`'s. A search that cannot be run is answered 400, saying what to
    change; a page of one kind's results that does not exist, 404, as every list does.
    """

    template_name = "pages/search.html"
    paginate_by = search.PAGE_SIZE
    list_name = "these results"

    def get(self, request, *args, **kwargs):
        self.text = request.GET.get("q")
        self.query = self.kind = self.error = None
        self.counts = {}
        if self.text is not None:
            try:
                self.query = search.parse(self.text)
                if request.GET.get("kind"):  # empty: every kind
                    self.kind = search.kind_named(request.GET["kind"])
            except search.BadSearch as bad:
                self.error = bad
        if self.error:
            self.object_list = []
            return self.render_to_response(self.get_context_data(), status=400)
        if self.query is not None:
            self.counts = search.counts(self.query)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.kind is None:
            return []
        return search.Found(self.kind, self.query, self.counts[self.kind.slug])

    def get_paginate_by(self, queryset):
        return None if self.kind is None else super().get_paginate_by(queryset)

    def link(self, kind=None):
        parameters = {"q": self.query.text} | ({"kind": kind.slug} if kind else {})
        return f"{reverse('search')}?{urlencode(parameters)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            breadcrumbs=[("Home", reverse("home")), ("Search", None)],
            text=" ".join((self.text or "").split()),
            error=self.error and str(self.error),
            # Where the error summary's link leads: the search box, or every kind's results.
            error_link="#q" if not isinstance(self.error, search.NoSuchKind) else self.link(),
            kind=self.kind,
            limit=search.SHOWN,
        )
        if self.error:
            context["query_error"] = not isinstance(self.error, search.NoSuchKind)
            return context
        if self.query is None:
            return context
        context["total"] = sum(self.counts.values())
        context["all_url"] = self.link()
        context["kinds"] = [
            {"kind": kind, "count": self.counts[kind.slug], "url": self.link(kind), "current": kind == self.kind}
            for kind in search.KINDS
        ]
        if self.kind is None:
            context["groups"] = [
                {
                    "kind": kind,
                    "count": self.counts[kind.slug],
                    "results": search.Found(kind, self.query, self.counts[kind.slug])[: search.SHOWN],
                    "url": self.link(kind),
                }
                for kind in search.KINDS
                if self.counts[kind.slug]
            ]
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
            # One more than listed, to know whether to say there are more.
            measures = list(measures.order_by("priority__number", "number", "pk")[: DOWNLOADS_LISTED + 1])
        final_only = "final (the downloads hold final figures only: provisional figures are never published)"
        context.update(
            edition=edition,
            measures=measures[:DOWNLOADS_LISTED],
            more_measures=len(measures) > DOWNLOADS_LISTED,
            values_published=ReportedValue.objects.published().exists(),
            value_columns=VALUE_COLUMNS,
            action_columns=ACTION_COLUMNS,
            value_parameters=parameters(ReportedValueFilter, status=final_only),
            action_parameters=parameters(ActionFilter),
            example_url=f"{reverse('measures:values-csv')}?{EXAMPLE_QUERY}",
            breadcrumbs=[("Home", reverse("home")), ("Open data", None)],
        )
        return context
