"""Public pages for the partnership's governance: its bodies, their members, and their meetings.

Only what residents may see is reachable: meetings an officer has unticked are 404s, and minutes are
shown only once published. Each view loads what its template shows in a fixed number of queries,
however many bodies, members, meetings or agenda items there are.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from core.pagination import PagedListMixin
from governance.calendar import key_decisions_due, meetings_calendar, upcoming_meetings
from governance.filters import MeetingFilter
from governance.models import (
    NEWEST_FIRST,
    AgendaItem,
    Attendance,
    Body,
    Document,
    KeyDecision,
    Meeting,
    Membership,
    StatutoryDuty,
)

# How the bodies at the top of the structure are grouped on the governance page, and what each group is for.
BODY_GROUPS = [
    {
        "id": "partnership",
        "title": "The partnership",
        "kinds": {Body.Kind.BOARD, Body.Kind.DELIVERY, Body.Kind.LOCALITY},
        "intro": "The Communities Board leads the partnership and oversees the plan. The groups under it report to it.",
    },
    {
        "id": "council",
        "title": "Kirklees Council",
        "kinds": {Body.Kind.SCRUTINY, Body.Kind.EXECUTIVE, Body.Kind.COUNCIL},
        "intro": "The Communities Board makes recommendations to the Council's Cabinet. The plan is one of the "
        "plans that form the Council's Policy Framework, for approval by Full Council as a key policy (as the "
        "2019 report to Cabinet says), and the Council's Overview and Scrutiny function acts as a check and "
        "balance for the work of the Communities Board.",
    },
    {
        "id": "partners",
        "title": "Partner boards",
        "kinds": {Body.Kind.PARTNER},
        "intro": "Boards the Communities Board works alongside on shared issues.",
    },
]

COUNCIL_HOST = "kirklees.gov.uk"
LATEST_MEETINGS_ON_BODY_PAGE = 10
UPCOMING_MEETINGS_LISTED = 5


def link_note(url):
    """Where an external document link leads, for the words beside it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == COUNCIL_HOST or host.endswith("." + COUNCIL_HOST):
        return "opens on the Council's website"
    return "opens on another website"


def body_tree(bodies):
    """Nest the bodies under their parents; return the top-level ones, each with `sub_bodies` and `kind_label`."""
    by_id = {body.pk: body for body in bodies}
    for body in bodies:
        body.sub_bodies = []
        # "Cabinet: council executive" says something; "Full Council: full council" does not.
        kind = body.get_kind_display()
        body.kind_label = "" if kind.lower() == body.name.lower() else kind.lower()
    roots = []
    for body in bodies:
        parent = by_id.get(body.parent_id)
        (parent.sub_bodies if parent else roots).append(body)
    return roots


def attendance_in_order():
    """Those present first, then those in attendance, apologies and absences, each in the order minuted."""
    order = Case(
        *(When(status=status, then=Value(position)) for position, status in enumerate(Attendance.Status.values)),
        output_field=IntegerField(),
    )
    return Attendance.objects.select_related("organisation").annotate(status_order=order).order_by("status_order", "pk")


def next_meetings(meetings, today):
    """The first few meetings still to come, and whether there are more (one more is read, not a count)."""
    upcoming = list(upcoming_meetings(meetings, today)[: UPCOMING_MEETINGS_LISTED + 1])
    return {
        "upcoming_meetings": upcoming[:UPCOMING_MEETINGS_LISTED],
        "more_upcoming": len(upcoming) > UPCOMING_MEETINGS_LISTED,
    }


def calendar_links(request, path):
    """The feed's address on this site, to download, and in full, to copy into a calendar app that subscribes."""
    return {"calendar_path": path, "calendar_url": request.build_absolute_uri(path)}


def governance_crumbs():
    return [("Home", reverse("home")), ("Governance", reverse("governance:overview"))]


def meeting_list_crumbs():
    return [("Home", reverse("home")), ("Meetings", reverse("governance:meeting-list"))]


class GovernanceView(TemplateView):
    """What is coming up, the bodies and how they relate, who sits on them, the Board's duties and the key decisions."""

    template_name = "governance/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = Prefetch("memberships", queryset=Membership.objects.current(timezone.localdate()), to_attr="members")
        bodies = list(Body.objects.select_related("locality").prefetch_related(members))
        roots = body_tree(bodies)
        groups = [{**group, "bodies": [body for body in roots if body.kind in group["kinds"]]} for group in BODY_GROUPS]
        known = set().union(*(group["kinds"] for group in BODY_GROUPS))
        others = [body for body in roots if body.kind not in known]
        if others:
            groups.append({"id": "other", "title": "Other bodies", "intro": "", "bodies": others})
        duties = StatutoryDuty.objects.public().select_related("body").order_by("body__order", "body__name", "number")
        key_decisions = list(KeyDecision.objects.select_related("decision_maker", "plan_edition"))
        today = timezone.localdate()
        context.update(
            next_meetings(Meeting.objects.public(), today),
            calendar=calendar_links(self.request, reverse("governance:meeting-calendar")),
            key_decisions_due=list(key_decisions_due(today)),
            groups=[group for group in groups if group["bodies"]],
            bodies_with_members=[body for body in bodies if body.members],
            duties=list(duties),
            key_decisions=key_decisions,
            breadcrumbs=[("Home", reverse("home")), ("Governance", None)],
        )
        return context


class BodyDetailView(DetailView):
    """One body: its role, where it sits, who sits on it, its meetings to come and latest, and its key decisions due."""

    context_object_name = "body"

    def get_queryset(self):
        members = Prefetch("memberships", queryset=Membership.objects.current(timezone.localdate()), to_attr="members")
        return Body.objects.select_related("parent", "locality").prefetch_related("children", members)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body = self.object
        # One more than we show, to know whether to point to the full list without counting.
        meetings = list(
            Meeting.objects.public().filter(body=body).with_minutes_published()[: LATEST_MEETINGS_ON_BODY_PAGE + 1]
        )
        today = timezone.localdate()
        context.update(
            next_meetings(Meeting.objects.public().filter(body=body), today),
            calendar=calendar_links(self.request, reverse("governance:body-calendar", kwargs={"slug": body.slug})),
            key_decisions_due=list(key_decisions_due(today).filter(decision_maker=body)),
            meetings=meetings[:LATEST_MEETINGS_ON_BODY_PAGE],
            more_meetings=len(meetings) > LATEST_MEETINGS_ON_BODY_PAGE,
            all_meetings_url=f"{reverse('governance:meeting-list')}?body={body.slug}",
            breadcrumbs=[*governance_crumbs(), (body.name, None)],
        )
        return context


class MeetingListView(PagedListMixin, ListView):
    """Public meetings, newest first, filtered by body and year; a bad filter value gets a clear message, not a 500."""

    template_name = "governance/meeting_list.html"
    context_object_name = "meetings"
    list_name = "the meetings"

    def get_queryset(self):
        self.filterset = MeetingFilter(self.request.GET or None)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Meeting.objects.none()
        # A full ordering, so that paging never shows a meeting twice or skips one.
        meetings = self.filterset.qs.select_related("body").order_by(NEWEST_FIRST, "body__order", "body__name", "-pk")
        return meetings.with_minutes_published()

    def get_paginate_by(self, queryset):
        # A wrong filter shows no meetings, and no page of them is missing.
        return None if self.filterset.form.errors else super().get_paginate_by(queryset)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["has_errors"]:
            response.status_code = 400  # a wrong filter value is the request's fault; the page says which
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context.update(
            form=form,
            has_errors=bool(form.errors),
            is_filtered=any(self.request.GET.get(name) for name in self.filterset.filters),
            calendar=calendar_links(self.request, reverse("governance:meeting-calendar")),
            breadcrumbs=[("Home", reverse("home")), ("Meetings", None)],
        )
        return context


class MeetingDetailView(DetailView):
    """One public meeting: its agenda with the decisions made, attendance, published minutes and documents."""

    context_object_name = "meeting"

    def get_queryset(self):
        agenda = AgendaItem.objects.select_related("plan_edition").prefetch_related("decisions")
        return (
            Meeting.objects.public()
            .select_related("body", "minutes")
            .prefetch_related(
                Prefetch("agenda_items", queryset=agenda),
                Prefetch("attendance", queryset=attendance_in_order()),
                "documents",
                # The measure status reports taken to it, kept as it was shown them (measures/snapshots.py).
                Prefetch("scrutiny_snapshots", queryset=self.reports()),
            )
        )

    @staticmethod
    def reports():
        # The measures app builds beside this one: its model is looked up, not imported.
        return apps.get_model("measures", "ScrutinySnapshot").objects.defer("rows").order_by("taken_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        documents = list(meeting.documents.all())
        for document in documents:
            document.link_note = link_note(document.url) if document.url else ""
        items = list(meeting.agenda_items.all())
        for item in items:
            item.papers = [document for document in documents if document.agenda_item_id == item.pk]
        context.update(
            minutes=meeting.published_minutes,
            minutes_in_items=any(item.minute for item in items),
            agenda_items=items,
            attendance=list(meeting.attendance.all()),
            documents=documents,
            breadcrumbs=[*meeting_list_crumbs(), (f"{meeting.body.name}, {meeting.date_text}", None)],
        )
        return context


@require_safe
def document_download(request, pk, name):
    """An uploaded meeting paper, as a download (never shown inline), for a published meeting only."""
    document = get_object_or_404(Document.objects.exclude(file=""), pk=pk, meeting__is_published=True)
    if name != document.file_name:
        raise Http404("No such document.")
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file_name)
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_safe
def meeting_calendar(request, slug=None):
    """The published meetings as an iCalendar feed, to add to a calendar app: every body's, or one body's.

    Two queries whatever the number of meetings (three for a body's); small enough to make whole.
    """
    meetings = Meeting.objects.public()
    if slug is None:
        name, filename, uid = "Kirklees Communities Partnership meetings", "kcp-meetings.ics", "meetings"
        description = "Meetings of the Communities Board and the bodies that govern the partnership plan."
        page = reverse("governance:meeting-list")
    else:
        body = get_object_or_404(Body, slug=slug)
        meetings = meetings.filter(body=body)
        name = f"{body.name} meetings (Kirklees Communities Partnership)"
        filename, uid = f"kcp-{body.slug}-meetings.ics", f"body-{body.pk}-meetings"
        description = f"Meetings of the {body.name}, one of the bodies that govern the partnership plan."
        page = body.get_absolute_url()
    content = meetings_calendar(
        meetings,
        name=name,
        description=description,
        url=request.build_absolute_uri(page),
        feed_url=request.build_absolute_uri(request.path),
        uid=uid,
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
