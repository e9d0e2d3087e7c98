"""The partnership plan itself: editions, commitments, priorities, themes and actions.

`measures` and `governance` refer to this app; it imports neither.

A record that belongs to a published or archived edition is public, and its `deletion_refusal()`
says so: the admin refuses to delete it and shows that message instead.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.dateformat import format as format_date
from simple_history.models import HistoricalRecords

from core.models import Approval, FourEyes, Sourced
from core.text import describe

# Addresses under /plans/ that are not editions: an edition with one of these slugs would be hidden by them.
RESERVED_EDITION_SLUGS = frozenset({"compare"})


def validate_edition_slug(slug):
    if slug in RESERVED_EDITION_SLUGS:
        raise ValidationError(
            "“%(slug)s” is a web address the portal already uses under /plans/: choose another.",
            code="reserved",
            params={"slug": slug},
        )


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published (current)"
    ARCHIVED = "archived", "Archived (previous edition)"


def may_preview(user):
    """Whether `user` may see draft editions' pages as the public will see them once published: officers with a
    job. Their pages are never cached (core/cache.py serves no one signed in), so no draft reaches the public."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm("priorities.view_planedition"))


class VisibleToMixin:
    def visible_to(self, user):
        """What `user` may see: everything public, and drafts too for an officer previewing them."""
        return self if may_preview(user) else self.public()


class EditionQuerySet(VisibleToMixin, models.QuerySet):
    def public(self):
        """Editions residents may see: the current one and those it replaced."""
        return self.exclude(status=PublicationStatus.DRAFT)

    def current(self):
        """The published edition, the plan in force now, or None before one is published."""
        return self.filter(status=PublicationStatus.PUBLISHED).first()


class PlanEdition(Sourced):
    """An edition of the Kirklees Communities Partnership Plan, or an annual refresh of one."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        REFRESH = "refresh", "Annual refresh"

    class Approval(models.TextChoices):
        """What the sources record about approving the edition: a decision, a due date, or a request."""

        DECISION = "decision", "Approved (decision recorded)"
        DUE = "due", "Decision due (due date recorded)"
        SOUGHT = "sought", "Approval sought (no decision recorded)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[validate_edition_slug],
        help_text="Used in web addresses, e.g. 2022-2027.",
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PLAN)
    start_year = models.PositiveSmallIntegerField(help_text="First year the edition covers, e.g. 2022.")
    end_year = models.PositiveSmallIntegerField(help_text="Last year the edition covers, e.g. 2027.")
    vision = models.TextField(blank=True, help_text="The vision statement, word for word as the plan gives it.")
    summary = models.TextField(
        blank=True, help_text="What this edition is and how it came about, in plain words for residents."
    )
    sia_overview = models.TextField(
        "SIA overview",
        blank=True,
        help_text="The plan's overall summary of the Strategic Intelligence Assessment, before the findings "
        "for each priority.",
    )
    status = models.CharField(
        max_length=10,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text="Only one edition can be the published, current one. Drafts are never shown publicly.",
    )
    approval = models.CharField(
        "approval record",
        max_length=10,
        choices=Approval,
        blank=True,
        help_text="What is recorded: the decision itself, only the date a decision was due, or only that "
        "approval was sought. Leave empty if nothing is recorded.",
    )
    approval_body = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who approved it, was due to decide, or was asked to approve it, e.g. Cabinet, or Full Council.",
    )
    approval_date = models.DateField(
        null=True, blank=True, help_text="The date of the decision, or the date it was due. Empty if not recorded."
    )
    approval_note = models.TextField(blank=True, help_text="How it was approved or considered, and where recorded.")
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The edition this one replaces or refreshes.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-end_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="one_published_edition",
                violation_error_message="Only one edition can be published as the current plan. "
                "Archive the current edition first.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="edition_end_after_start",
                violation_error_message="The last year cannot be before the first year.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("priorities:edition-detail", kwargs={"slug": self.slug})

    @property
    def period(self):
        return f"{self.start_year} to {self.end_year}"

    @property
    def is_public(self):
        return self.status != PublicationStatus.DRAFT

    @property
    def is_current(self):
        """Whether this is the plan in force now: the one published edition."""
        return self.status == PublicationStatus.PUBLISHED

    @property
    def public_slug(self):
        """The slug, for naming this edition publicly; None for a draft, which is never named."""
        return self.slug if self.is_public else None

    def deletion_refusal(self):
        """Why this edition may not be deleted, and what to do instead; None for a draft."""
        if not self.is_public:
            return None
        if self.is_current:
            advice = "To replace it, publish its successor and archive this one."
        else:
            advice = "Residents can still read it as a previous edition."
        return (
            f"{describe(self)} is {self.status}, so residents can see it. {advice} "
            "If it really must go, set it back to draft first."
        )

    def refusal_for_part(self, obj):
        """Why `obj`, a part of this edition, may not be deleted while the edition is public; else None."""
        if not self.is_public:
            return None
        return (
            f"{describe(obj)} is part of the {self.status} plan edition “{self}”, which residents can see. "
            "Correct it by editing it, or make the change in a new draft edition. "
            "If it really must go, set the edition back to draft first."
        )

    @property
    def approval_text(self):
        """The approval record in words, saying no more than is recorded."""
        date = f" on {self.approval_date:%-d %B %Y}" if self.approval_date else ""
        if self.approval == self.Approval.DECISION:
            return f"Approved by {self.approval_body}{date}"
        if self.approval == self.Approval.DUE:
            return f"Decision due by {self.approval_body}{date}; the date it was made is not recorded"
        if self.approval == self.Approval.SOUGHT:
            return f"Approval by {self.approval_body} sought{date}; no decision is recorded"
        return "No approval recorded"

    def clean(self):
        if self.follows_id and self.follows_id == self.pk:
            raise ValidationError({"follows": "An edition cannot follow itself."})
        needs_approval = self.kind == self.Kind.PLAN and self.status != PublicationStatus.DRAFT
        if needs_approval and not self.approval:
            raise ValidationError(
                {"approval": "Record what is known about this plan's approval before publishing or archiving it."}
            )
        if self.approval and not self.approval_body:
            raise ValidationError({"approval_body": "Say who approved it, was due to decide, or was asked to."})
        if self.approval in (self.Approval.DECISION, self.Approval.DUE) and not self.approval_date:
            raise ValidationError({"approval_date": "Give the date of the decision, or the date it was due."})
        if not self.approval and (self.approval_body or self.approval_date):
            raise ValidationError(
                {"approval": "Say what the approval record is: a decision, a due date, or a request."}
            )


class Commitment(Sourced):
    """One of the Communities Board's cross-cutting commitments that underpin every priority."""

    edition = models.ForeignKey(PlanEdition, on_delete=models.PROTECT, related_name="commitments")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="Word for word as the plan gives it.")
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_into",
        help_text="The same commitment in the edition this one was copied from, for comparing editions.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="unique_commitment_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"

    def get_absolute_url(self):
        return self.edition.get_absolute_url() + "#commitments"

    def deletion_refusal(self):
        return self.edition.refusal_for_part(self)


class PriorityQuerySet(VisibleToMixin, models.QuerySet):
    def public(self):
        return self.exclude(edition__status=PublicationStatus.DRAFT)

    def current(self):
        """The priorities of the plan in force now, the published edition."""
        return self.filter(edition__status=PublicationStatus.PUBLISHED)


class Priority(Sourced):
    """A strategic priority of a plan edition (a 'theme' in the 2018-2021 plan)."""

    edition = models.ForeignKey(PlanEdition, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, help_text="As the plan heads it.")
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_into",
        help_text="The same priority in the edition this one was copied from, for comparing editions.",
    )
    short_title = models.CharField(
        max_length=100, blank=True, help_text="The column heading in the outcome framework (plan on a page)."
    )
    slug = models.SlugField(max_length=100, help_text="Used in web addresses; unique within the edition.")
    introduction = models.TextField(blank=True, help_text="The priority's introduction, word for word.")
    sia_summary = models.TextField(
        "SIA evidence summary",
        blank=True,
        help_text="What the Strategic Intelligence Assessment says behind this priority.",
    )
    editors_note = models.TextField(
        "editors' note",
        blank=True,
        help_text="A note by the portal's editors, not the plan's words: e.g. measures the plan says are still "
        "to come. Shown apart from the plan's text.",
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="priorities_led",
        help_text="Officers who lead this priority: they report on all its actions and measures.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="unique_priority_number"),
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_priority_slug"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("priority-detail", kwargs={"edition": self.edition.slug, "slug": self.slug})

    @property
    def is_public(self):
        return self.edition.is_public

    def deletion_refusal(self):
        return self.edition.refusal_for_part(self)


class Theme(Sourced):
    """An entry in a priority's 'what this includes' list; a theme with a parent is a sub-theme."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_themes",
        help_text="Leave empty for a theme; choose its theme for a sub-theme.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_into",
        help_text="The same theme in the edition this one was copied from, for comparing editions.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.priority.get_absolute_url() + "#themes"

    def deletion_refusal(self):
        return self.priority.edition.refusal_for_part(self)

    def clean(self):
        parent = self.parent  # an object, not an id: the priority may be unsaved in an inline
        if parent is None:
            return
        if self.pk and parent.pk == self.pk:
            raise ValidationError({"parent": "A theme cannot be its own sub-theme."})
        if parent.parent_id is not None:
            raise ValidationError({"parent": "Sub-themes go one level deep: choose a theme, not a sub-theme."})
        try:
            priority = self.priority
        except ObjectDoesNotExist:
            return
        if parent.priority_id != priority.pk:
            raise ValidationError({"parent": "The theme belongs to a different priority."})


class Locality(Sourced):
    """An area of Kirklees that figures are reported for (the plan speaks of "the 4 localities")."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "localities"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("measures:status") + f"?locality={self.slug}"


class PartnerOrganisation(Sourced):
    """An organisation that is a partner in delivering the plan."""

    class Sector(models.TextChoices):
        STATUTORY = "statutory", "Statutory partner"
        REGIONAL = "regional", "Regional body"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        OTHER = "other", "Other partner"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True, help_text="Abbreviation, e.g. WYP.")
    sector = models.CharField(
        max_length=20, choices=Sector, blank=True, help_text="Leave empty where no source says which sector it is in."
    )
    website = models.URLField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("measures:status") + f"?lead_partner={self.pk}"


class ActionQuerySet(VisibleToMixin, models.QuerySet):
    def public(self):
        return self.exclude(priority__edition__status=PublicationStatus.DRAFT)

    def with_status(self):
        """Annotate each action with its latest progress update's status and date, in the same query.

        An action's status is its latest update's (latest by date, then by id), or "No update yet"
        when it has none: `latest_status` is that status's code, `latest_update_date` the update's date
        (None without one). `Action.status` and `Action.flag()` read them, so a list costs no query per
        action, and filtering on `latest_status` filters on the status. Calling it twice changes nothing.
        """
        if "latest_status" in self.query.annotations:
            return self
        latest = ProgressUpdate.objects.final().filter(action=OuterRef("pk")).newest_first()
        return self.annotate(
            latest_status=Coalesce(Subquery(latest.values("status")[:1]), Value(Action.Status.NO_UPDATE)),
            latest_update_date=Subquery(latest.values("date")[:1]),
        )


@dataclass(frozen=True)
class ActionFlag:
    """A warning about an action read from its dates (overdue, update due), with one line saying why."""

    code: str
    label: str
    explanation: str


def long_date(day):
    return format_date(day, "j F Y")


class Action(Sourced):
    """Something the Communities Board says it will do under a priority ('The Board will ...')."""

    class Status(models.TextChoices):
        NO_UPDATE = "no_update", "No update yet"
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        DELAYED = "delayed", "Delayed"
        COMPLETED = "completed", "Completed"

    class Flag(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        UPDATE_DUE = "update_due", "Update due"

    # How long an action may go without a progress update: two quarters.
    UPDATE_INTERVAL = timedelta(days=182)

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveSmallIntegerField(help_text="Order within the priority.")
    text = models.TextField(help_text="What the Board will do, word for word as the plan says it.")
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_into",
        help_text="The same action in the edition this one was copied from, for comparing editions.",
    )
    editors_note = models.TextField(
        "editors' note",
        blank=True,
        help_text="A note by the portal's editors about the plan's text, e.g. where the document's text ends. "
        "Shown apart from the plan's words.",
    )
    lead_body = models.ForeignKey(
        "governance.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_led",
        help_text="The board or group that oversees this action.",
    )
    lead_partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="actions_led", help_text="Partner organisations leading it."
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Per cent complete (0 to 100), if the lead reports one."
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="actions_led",
        help_text="Officers who report this action's progress (e.g. a partner's contact).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[lead_partners])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "number"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "number"], name="unique_action_number"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="action_progress_percent",
                violation_error_message="Progress is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:80]}"

    def get_absolute_url(self):
        return reverse(
            "priorities:action-detail",
            kwargs={"edition": self.priority.edition.slug, "priority": self.priority.slug, "number": self.number},
        )

    @property
    def reference(self):
        """The action's reference as the plan's readers cite it: its priority's number and its own, e.g. 2.4."""
        return f"{self.priority.number}.{self.number}"

    @property
    def is_public(self):
        return self.priority.is_public

    def deletion_refusal(self):
        return self.priority.edition.refusal_for_part(self)

    # ---- status: its latest progress update's, annotated by ActionQuerySet.with_status() ---------

    def _annotated(self, name):
        if self._state.adding:
            return None  # not saved yet, so no progress update yet
        try:
            return getattr(self, name)
        except AttributeError:
            raise AttributeError(
                "An action's status comes from its latest progress update: "
                "load actions with Action.objects.with_status()."
            ) from None

    @property
    def status(self):
        """The latest progress update's status (latest by date, then by id), or "No update yet" without one."""
        return self.Status(self._annotated("latest_status") or self.Status.NO_UPDATE)

    def get_status_display(self):
        return self.status.label

    def flag(self, *, as_of):
        """What the dates say needs attention on `as_of`, or None: overdue first, else an update due.

        Overdue: the due date has passed and the action is not completed. Update due: no progress
        update for two quarters (182 days), counting from the latest update, else from the start
        date, else from 1 January of its plan edition's first year; only on the current plan. A
        completed action has no flag.
        Runs no query once loaded with `with_status()` and its priority's edition.
        """
        if self.status == self.Status.COMPLETED:
            return None
        if self.due_date is not None and as_of > self.due_date:
            return ActionFlag(
                self.Flag.OVERDUE, self.Flag.OVERDUE.label, f"Due {long_date(self.due_date)}; not completed"
            )
        if not self.priority.edition.is_current:
            return None  # updates are expected only on the plan in force, not on a draft or a replaced one
        last_update = self._annotated("latest_update_date")
        if last_update is not None:
            since, which = last_update, "Last progress update {since}; next due by {due_by}"
        elif self.start_date is not None:
            since, which = self.start_date, "No progress update since it started on {since}; first due by {due_by}"
        else:
            since = date(self.priority.edition.start_year, 1, 1)
            which = "No progress update since its plan began on {since}; first due by {due_by}"
        due_by = since + self.UPDATE_INTERVAL
        if as_of < due_by:
            return None
        explanation = which.format(since=long_date(since), due_by=long_date(due_by))
        return ActionFlag(self.Flag.UPDATE_DUE, self.Flag.UPDATE_DUE.label, explanation)

    def check_progress(self, status):
        """Refuse a progress under 100% beside `status`, the action's latest update's, if that is completed.

        The rule spans the action and its updates, so it is checked where both are edited together:
        the action's admin page (its progress updates inline) and the progress update's own page.
        """
        if status == self.Status.COMPLETED and self.progress is not None and self.progress < 100:
            raise ValidationError(
                f"A completed action is 100% complete, but this one's progress is {self.progress}%. Either make "
                "its progress 100 (or leave it empty), or give its latest progress update another status."
            )


class ProgressUpdateQuerySet(models.QuerySet):
    def newest_first(self):
        """Latest first: by date, then by id, so of two updates on one day the one entered later wins."""
        return self.order_by("-date", "-pk")

    def final(self):
        """The updates the public sees: approved by a second officer."""
        return self.filter(approval=Approval.FINAL)


class ProgressUpdate(FourEyes):
    """A dated progress report on an action, with the lead's commentary; the latest final one gives the action's
    status. Entered provisional; public once a second officer approves it (`core.models.FourEyes`)."""

    approval_field = "approval"
    corrected_fields = ("date", "status", "commentary", "reported_by")

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    date = models.DateField()
    status = models.CharField(
        max_length=20,
        choices=Action.Status,
        help_text="The action's status at that date. The latest update's status is the action's status.",
    )
    commentary = models.TextField()
    reported_by = models.CharField(max_length=200, blank=True, help_text="Who gave the update, and for which partner.")
    approval = models.CharField(
        max_length=12,
        choices=Approval,
        default=Approval.PROVISIONAL,
        db_default=Approval.PROVISIONAL,  # a row written by older code (a data migration) is not public either
        editable=False,
        help_text="A provisional update is never shown publicly; it becomes final when a second officer approves it.",
    )
    history = HistoricalRecords()

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-date", "-pk"]

    def __str__(self):
        return f"Update of {self.date:%-d %B %Y} on action {self.action.reference}"

    def get_absolute_url(self):
        return self.action.get_absolute_url()

    def deletion_refusal(self):
        return self.action.priority.edition.refusal_for_part(self)

    def newness(self):
        """Sorts updates oldest to newest, as `newest_first()` does in reverse; an unsaved one is newest of its day."""
        return (self.date, self.pk is None, self.pk or 0)
