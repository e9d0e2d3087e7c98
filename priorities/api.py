"""The plan in the open data API: editions, priorities, themes, actions, localities and partners.

Only what residents may see: editions that are published or archived, never drafts, and what is in them.
"""

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.api import (
    DecisionsAboutField,
    LoadedAfterPaging,
    MinutesAboutField,
    SourcedSerializer,
    WebURLField,
    absolute,
    documented,
)
from core.decisions import load_about
from core.forms import choice_errors
from priorities.filters import ActionFilter, public_editions
from priorities.models import (
    Action,
    Commitment,
    Locality,
    PartnerOrganisation,
    PlanEdition,
    Priority,
    ProgressUpdate,
    Theme,
)

# ---- editions ---------------------------------------------------------------------------------------


class CommitmentSerializer(SourcedSerializer):
    class Meta:
        model = Commitment
        fields = ["number", "text", "source", "provenance"]


class PlanEditionSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:edition-detail", lookup_field="slug")
    web_url = WebURLField()
    follows = serializers.SerializerMethodField(help_text="The slug of the edition this one replaces or refreshes.")
    commitments = CommitmentSerializer(many=True, read_only=True)
    approval_text = serializers.CharField(read_only=True, help_text="The approval record in words.")
    decisions = DecisionsAboutField()
    minutes = MinutesAboutField()

    class Meta:
        model = PlanEdition
        fields = [
            "slug",
            "url",
            "web_url",
            "title",
            "kind",
            "start_year",
            "end_year",
            "status",
            "vision",
            "summary",
            "sia_overview",
            "approval",
            "approval_body",
            "approval_date",
            "approval_text",
            "approval_note",
            "follows",
            "commitments",
            "decisions",
            "minutes",
            "updated_at",
            "source",
            "provenance",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_follows(self, edition):
        return edition.follows.public_slug if edition.follows else None


@documented(PlanEditionSerializer, noun="plan editions")
class PlanEditionViewSet(LoadedAfterPaging, ReadOnlyModelViewSet):
    """The editions of the Kirklees Communities Partnership Plan: the current plan and those it replaced."""

    load = staticmethod(load_about)
    serializer_class = PlanEditionSerializer
    lookup_field = "slug"
    queryset = PlanEdition.objects.public().select_related("follows").prefetch_related("commitments")


# ---- priorities and themes ------------------------------------------------------------------------


class SubThemeSerializer(SourcedSerializer):
    class Meta:
        model = Theme
        fields = ["id", "title", "source", "provenance"]


class PriorityThemeSerializer(SourcedSerializer):
    sub_themes = SubThemeSerializer(many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "title", "sub_themes", "source", "provenance"]


class PrioritySummarySerializer(SourcedSerializer):
    """A priority in the list: its themes are a link away, so a page of priorities costs the same however
    many themes each has."""

    url = serializers.HyperlinkedIdentityField(view_name="api:priority-detail")
    web_url = WebURLField()
    edition = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes_url = serializers.SerializerMethodField(help_text="The priority's themes, from the themes list.")
    decisions = DecisionsAboutField()
    minutes = MinutesAboutField()

    class Meta:
        model = Priority
        fields = [
            "id",
            "url",
            "web_url",
            "edition",
            "number",
            "title",
            "short_title",
            "slug",
            "introduction",
            "sia_summary",
            "editors_note",
            "themes_url",
            "decisions",
            "minutes",
            "updated_at",
            "source",
            "provenance",
        ]

    def get_themes_url(self, priority) -> str:
        return absolute(self.context, f"{reverse('api:theme-list')}?priority={priority.pk}")


class PrioritySerializer(PrioritySummarySerializer):
    """One priority, with what it includes: its themes and their sub-themes."""

    themes = PriorityThemeSerializer(
        many=True, read_only=True, source="top_themes", help_text="What this priority includes."
    )

    class Meta(PrioritySummarySerializer.Meta):
        fields = [*PrioritySummarySerializer.Meta.fields, "themes"]


class EditionFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(
        queryset=public_editions,
        to_field_name="slug",
        help_text="The edition's slug, e.g. 2022-2027.",
        error_messages=choice_errors("plan edition"),
    )

    class Meta:
        model = Priority
        fields = ["edition"]


@documented(PrioritySerializer, noun="priorities", list_serializer=PrioritySummarySerializer)
class PriorityViewSet(LoadedAfterPaging, ReadOnlyModelViewSet):
    """The strategic priorities of each edition: in the list, a link to each one's themes; one by one, its
    themes and sub-themes."""

    load = staticmethod(load_about)
    filterset_class = EditionFilter

    def get_serializer_class(self):
        return PrioritySummarySerializer if self.action == "list" else PrioritySerializer

    def get_queryset(self):
        priorities = Priority.objects.public().select_related("edition").order_by("-edition__start_year", "number")
        if self.action == "list":
            return priorities
        return priorities.prefetch_related(
            Prefetch(
                "themes",
                queryset=Theme.objects.filter(parent__isnull=True).prefetch_related("sub_themes"),
                to_attr="top_themes",
            )
        )


class ThemeSerializer(SourcedSerializer):
    class Meta:
        model = Theme
        fields = ["id", "priority", "parent", "order", "title", "source", "provenance"]


class ThemeFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(
        field_name="priority__edition",
        queryset=public_editions,
        to_field_name="slug",
        help_text="The edition's slug, e.g. 2022-2027.",
        error_messages=choice_errors("plan edition"),
    )
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.public(), help_text="The priority's id.", error_messages=choice_errors("priority")
    )

    class Meta:
        model = Theme
        fields = ["edition", "priority"]


@documented(ThemeSerializer, noun="themes")
class ThemeViewSet(ReadOnlyModelViewSet):
    """Each priority's 'what this includes' entries; an entry with a parent is a sub-theme."""

    serializer_class = ThemeSerializer
    filterset_class = ThemeFilter
    queryset = Theme.objects.filter(priority__in=Priority.objects.public()).order_by(
        "priority__edition", "priority__number", "order", "pk"
    )


# ---- actions ----------------------------------------------------------------------------------------


class PartnerSummarySerializer(SourcedSerializer):
    class Meta:
        model = PartnerOrganisation
        fields = ["id", "name", "source", "provenance"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "status", "commentary", "reported_by", "revised_on", "revision_reason"]
        extra_kwargs = {
            "revised_on": {"help_text": "When a correction of this update was approved; null if never corrected."},
            "revision_reason": {"help_text": "Why it was corrected, as the action's page shows it."},
        }


FLAG = inline_serializer(
    "ActionFlag",
    fields={
        "code": serializers.ChoiceField(choices=Action.Flag.choices),
        "label": serializers.CharField(),
        "explanation": serializers.CharField(help_text="One line with the dates, as the pages show it."),
    },
    allow_null=True,
)


class ActionSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:action-detail")
    web_url = WebURLField()
    edition = serializers.SlugRelatedField(source="priority.edition", slug_field="slug", read_only=True)
    priority_number = serializers.IntegerField(source="priority.number", read_only=True)
    reference = serializers.CharField(read_only=True, help_text="The priority and action numbers, e.g. 1.3.")
    lead_body = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The lead body's slug."
    )
    lead_partners = PartnerSummarySerializer(many=True, read_only=True)
    status = serializers.ChoiceField(
        choices=Action.Status.choices,
        read_only=True,
        help_text="The status its latest progress update gives (latest by date), or no_update without one.",
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    flag = serializers.SerializerMethodField(
        help_text="What its dates say needs attention today: overdue (due date passed, not completed) or "
        "update_due (no progress update for two quarters, 182 days); null for none."
    )
    updates = ProgressUpdateSerializer(many=True, read_only=True, help_text="Progress reports, newest first.")
    decisions = DecisionsAboutField()
    minutes = MinutesAboutField()

    class Meta:
        model = Action
        fields = [
            "id",
            "url",
            "web_url",
            "edition",
            "priority",
            "priority_number",
            "number",
            "reference",
            "text",
            "editors_note",
            "lead_body",
            "lead_partners",
            "status",
            "status_label",
            "flag",
            "start_date",
            "due_date",
            "progress",
            "updates",
            "decisions",
            "minutes",
            "updated_at",
            "source",
            "provenance",
        ]

    @extend_schema_field(FLAG)
    def get_flag(self, action):
        flag = action.flag(as_of=self.context["as_of"])
        return None if flag is None else {"code": flag.code, "label": flag.label, "explanation": flag.explanation}


@documented(ActionSerializer, noun="actions")
class ActionViewSet(LoadedAfterPaging, ReadOnlyModelViewSet):
    """What the Board says it will do under each priority, with its status, leads and progress."""

    load = staticmethod(load_about)
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    queryset = (
        Action.objects.public()
        .with_status()
        .select_related("priority__edition", "lead_body")
        .prefetch_related(
            "lead_partners",
            Prefetch("updates", queryset=ProgressUpdate.objects.final().newest_first()),
        )
        .order_by("-priority__edition__start_year", "priority__number", "number")
    )

    def get_serializer_context(self):
        # Flags are read as of today, where the site is.
        return {**super().get_serializer_context(), "as_of": timezone.localdate()}


# ---- localities and partners ------------------------------------------------------------------------


class LocalitySerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:locality-detail", lookup_field="slug")

    class Meta:
        model = Locality
        fields = ["slug", "url", "name", "order", "source", "provenance"]


@documented(LocalitySerializer, noun="localities")
class LocalityViewSet(ReadOnlyModelViewSet):
    """The four areas the plan divides Kirklees into."""

    serializer_class = LocalitySerializer
    lookup_field = "slug"
    queryset = Locality.objects.order_by("order", "name")


class PartnerOrganisationSerializer(SourcedSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:partner-detail")

    class Meta:
        model = PartnerOrganisation
        fields = ["id", "url", "name", "short_name", "sector", "website", "source", "provenance"]


@documented(PartnerOrganisationSerializer, noun="partner organisations")
class PartnerOrganisationViewSet(ReadOnlyModelViewSet):
    """The organisations in the partnership."""

    serializer_class = PartnerOrganisationSerializer
    queryset = PartnerOrganisation.objects.order_by("name")
