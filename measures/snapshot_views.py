"""The public pages of the frozen scrutiny reports (measures/snapshots.py): the list by meeting, each report with
its print view and CSV, and what moved since. Only reports to published meetings are shown."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView

from core.downloads import csv_response
from measures.models import ScrutinySnapshot
from measures.snapshots import COLUMNS, as_at, compared_with_now


def public_snapshots():
    return ScrutinySnapshot.objects.filter(meeting__is_published=True).select_related("meeting__body")


def crumbs(*more):
    return [("Home", reverse("home")), ("Measure status", reverse("measures:status")), *more]


class SnapshotListView(ListView):
    """Every status report taken to a meeting, newest first."""

    template_name = "measures/snapshot_list.html"
    context_object_name = "snapshots"

    def get_queryset(self):
        return public_snapshots().defer("rows")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = crumbs(("Reports to meetings", None))
        return context


class SnapshotDetailView(DetailView):
    """One report as the meeting was shown it, grouped by priority as the status page is."""

    template_name = "measures/snapshot_detail.html"
    context_object_name = "snapshot"

    def get_queryset(self):
        return public_snapshots()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = []
        for row in self.object.rows:
            if not groups or groups[-1]["priority"] != row["priority"]:
                groups.append({"priority": row["priority"], "rows": []})
            # The status as the status page's tag reads it (includes/status_tag.html): its code and label.
            groups[-1]["rows"].append({**row, "status_tag": {"code": row["status_code"], "label": row["status"]}})
        context.update(
            groups=groups,
            as_at=as_at(self.object),
            breadcrumbs=crumbs(("Reports to meetings", reverse("measures:snapshot-list")), (self.object.title, None)),
        )
        return context


class SnapshotCompareView(SnapshotDetailView):
    """What moved since the report: each measure whose figure, status or direction is not as reported."""

    template_name = "measures/snapshot_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        moved, unchanged = compared_with_now(self.object)
        context.update(
            moved=moved,
            unchanged=unchanged,
            breadcrumbs=crumbs(
                ("Reports to meetings", reverse("measures:snapshot-list")),
                (self.object.title, self.object.get_absolute_url()),
                ("What moved since", None),
            ),
        )
        return context


def snapshot_csv(request, pk):
    """The report as CSV: its rows as they were, the same bytes whenever asked."""
    snapshot = get_object_or_404(public_snapshots(), pk=pk)
    header = [name for name, _ in COLUMNS] + ["as_reported_to", "taken_on"]
    rows = ([row[name] for name, _ in COLUMNS] + [snapshot.title, as_at(snapshot)] for row in snapshot.rows)
    return csv_response(f"status-report-{snapshot.pk}.csv", header, rows)
