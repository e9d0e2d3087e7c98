"""The boards, meetings, minutes and decisions through which the plan is governed."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.dates import DatePrecision, partial_date_error, partial_date_iso, partial_date_text
from core.models import Sourced
from core.text import describe
from governance.uploads import FORMATS, validate_document
from priorities.models import Action, Locality, PartnerOrganisation, PlanEdition, Priority, PublicationStatus


class Body(Sourced):
    """A board, group or committee with a part in the plan's governance."""

    class Kind(models.TextChoices):
        BOARD = "board", "Partnership board"
        DELIVERY = "delivery", "Delivery group"
        LOCALITY = "locality", "Community Outcome Group"
        SCRUTINY = "scrutiny", "Scrutiny committee"
        EXECUTIVE = "executive", "Council executive"
        COUNCIL = "council", "Full Council"
        PARTNER = "partner", "Partner board"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True, help_text="How it is usually called, e.g. SDG.")
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The body this one sits under and reports to.",
    )
    locality = models.ForeignKey(
        Locality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text="For a Community Outcome Group that covers one locality: that locality.",
    )
    description = models.TextField(blank=True, help_text="Its role, in the plan's own words where it gives them.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists of bodies.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:body-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "A body cannot sit under itself."})
        ancestor = self.parent
        seen = set()
        while ancestor is not None and self.pk:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "That would make the body sit under one of its own groups."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class MembershipQuerySet(models.QuerySet):
    def current(self, as_of):
        """Seats held on a date (started by then, or start unknown, and not ended), chair first."""
        role_order = Case(
            *(When(role=role, then=Value(position)) for position, role in enumerate(Membership.Role)),
            default=Value(len(Membership.Role)),
            output_field=IntegerField(),
        )
        return (
            self.filter(Q(start_date__isnull=True) | Q(start_date__lte=as_of))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
            .select_related("organisation")
            .annotate(role_order=role_order)
            .order_by("role_order", "name")
        )


class Membership(Sourced):
    """A person's seat on a body, with their role and organisation, for a span of dates."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice chair"
        MEMBER = "member", "Member"
        PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio holder"
        ADVISER = "adviser", "Adviser"
        OFFICER = "officer", "Supporting officer"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships")
    name = models.CharField(max_length=200, help_text="As published, e.g. Councillor Carole Pattison.")
    role = models.CharField(max_length=20, choices=Role, default=Role.MEMBER)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Their position, e.g. Cabinet Member for Learning, Aspiration and Communities.",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    start_date = models.DateField("from", null=True, blank=True)
    end_date = models.DateField("to", null=True, blank=True, help_text="Leave empty while they still hold the seat.")
    source = models.CharField(
        max_length=300, blank=True, help_text="The paper this membership is recorded in, e.g. Cabinet report."
    )
    recorded_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date of that paper. If only the month or year is known, give its first day and set the "
        "precision; leave empty if the paper is not dated.",
    )
    recorded_on_precision = models.CharField(
        max_length=5, choices=DatePrecision, default=DatePrecision.DAY, help_text="How much of that date is known."
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["body", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
                violation_error_message="A membership cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.get_role_display()} of {self.body}"

    def get_absolute_url(self):
        return reverse("governance:body-detail", kwargs={"slug": self.body.slug}) + "#members"

    @property
    def recorded_on_text(self):
        return partial_date_text(self.recorded_on, self.recorded_on_precision)

    @property
    def recorded_on_iso(self):
        return partial_date_iso(self.recorded_on, self.recorded_on_precision)

    @property
    def recorded_text(self):
        """Where the membership is recorded: "As recorded in Cabinet report, 18 June 2019", or "" if nowhere."""
        if not self.source:
            return ""
        return f"As recorded in {self.source}, {self.recorded_on_text or 'date not stated'}"

    def clean(self):
        if error := partial_date_error(self.recorded_on, self.recorded_on_precision):
            raise ValidationError({"recorded_on": error})


# Meetings newest first, those whose date no record gives last, on every database.
NEWEST_FIRST = models.F("date").desc(nulls_last=True)


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """Meetings residents may see: all but those an officer has kept off the public pages."""
        return self.filter(is_published=True)

    def with_minutes_published(self):
        """Annotate each meeting with whether residents can read its minutes."""
        return self.annotate(minutes_published=Exists(Minutes.objects.published().filter(meeting=OuterRef("pk"))))


class Meeting(Sourced):
    """A meeting of a body."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    DatePrecision = DatePrecision

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(
        null=True,
        blank=True,
        help_text="If only the month or year is known, give its first day and set the precision. Leave empty if "
        "the records do not say when it met.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How much of the date is known. Some records give only the month.",
    )
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10,
        choices=Status,
        blank=True,
        default=Status.SCHEDULED,
        help_text="Leave empty if the records do not say whether it was held.",
    )
    is_published = models.BooleanField(
        default=True, help_text="Untick to keep the meeting off the public pages, e.g. a private session."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [NEWEST_FIRST, "body"]

    def __str__(self):
        return f"{self.body} – {self.date_text}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"pk": self.pk})

    @property
    def published_minutes(self):
        """The meeting's minutes if residents may read them; drafts are never shown.

        Load meetings with `select_related("minutes")`, so that asking costs no query.
        """
        try:
            minutes = self.minutes
        except Minutes.DoesNotExist:
            return None
        return minutes if minutes.is_published else None

    @property
    def date_text(self):
        return partial_date_text(self.date, self.date_precision) or "date not stated"

    @property
    def status_text(self):
        """Whether it was held, as recorded; the records do not always say."""
        return self.get_status_display() if self.status else "Not stated in the records"

    @property
    def date_iso(self):
        """The date in ISO 8601 as far as it is known: 2024-01-09, 2022-12 or 2020, never a made-up day."""
        return partial_date_iso(self.date, self.date_precision)

    def clean(self):
        if error := partial_date_error(self.date, self.date_precision):
            raise ValidationError({"date": error})
        if self.start_time and (self.date is None or self.date_precision != self.DatePrecision.DAY):
            raise ValidationError({"start_time": "A start time needs the exact day."})


class AgendaItem(Sourced):
    """An item on a meeting's agenda, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(
        "order", help_text="Its position among the meeting's items, for sorting and for links to it."
    )
    agenda_number = models.CharField(
        "number on the agenda",
        max_length=10,
        blank=True,
        help_text="As the agenda numbers it, e.g. 7 or 7a. Leave empty if the papers give no number.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text="What the item is about, as the agenda gives it.")
    contacts = models.TextField(blank=True, help_text="Report authors and contact officers, one per line.")
    minute = models.TextField(blank=True, help_text="The minute of the discussion of this item.")
    plan_edition = models.ForeignKey(
        PlanEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The plan edition the item is about, if any.",
    )
    priorities = models.ManyToManyField(
        Priority, blank=True, related_name="agenda_items", help_text="The plan's priorities the item is about."
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="agenda_items", help_text="The plan's actions the item is about."
    )
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="agenda_items", help_text="The measures the item is about."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_agenda_item_number"),
        ]

    def __str__(self):
        return f"{self.agenda_number}. {self.title}" if self.agenda_number else self.title

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"pk": self.meeting_id}) + f"#item-{self.number}"

    @property
    def public_plan_edition(self):
        """The plan edition the item is about, if residents may see it: a draft is never named publicly."""
        edition = self.plan_edition
        return edition if edition is not None and edition.is_public else None


class Decision(Sourced):
    """A decision or resolution made on an agenda item."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", "Resolution"
        DECISION = "decision", "Decision"
        RECOMMENDATION = "recommendation", "Recommendation"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(help_text="(1), (2) … as minuted.")
    kind = models.CharField(max_length=15, choices=Kind, default=Kind.RESOLUTION)
    text = models.TextField(help_text="Word for word as minuted.")
    approves_edition = models.ForeignKey(
        PlanEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approving_decisions",
        editable=False,  # set by publishing the edition with this decision (priorities/admin_editions.py)
        help_text="The plan edition this decision approved, if it approved one: set when the edition is "
        "published with this decision as its approval.",
    )
    editions = models.ManyToManyField(
        PlanEdition, blank=True, related_name="decisions", help_text="The plan editions the decision concerns."
    )
    priorities = models.ManyToManyField(
        Priority, blank=True, related_name="decisions", help_text="The plan's priorities the decision concerns."
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="decisions", help_text="The plan's actions the decision concerns."
    )
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="decisions", help_text="The measures the decision concerns."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "number"], name="unique_decision_number"),
        ]

    def __str__(self):
        return f"({self.number}) {self.text[:80]}"

    def get_absolute_url(self):
        return self.agenda_item.get_absolute_url() + f"-decision-{self.number}"


class Attendance(Sourced):
    """Someone recorded as present, giving apologies or in attendance at a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="Their position, as minuted.")
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    status = models.CharField(max_length=15, choices=Status, default=Status.PRESENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "status", "pk"]
        verbose_name_plural = "attendance"

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"pk": self.meeting_id}) + "#attendance"


class MinutesQuerySet(models.QuerySet):
    def published(self):
        """Minutes residents may read: published, of a meeting on the public pages."""
        return self.filter(status=Minutes.Status.PUBLISHED, meeting__is_published=True)


class Minutes(Sourced):
    """The minutes of a meeting, and whether they are published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    text = models.TextField(blank=True, help_text="The minutes, or leave empty if they are published as a document.")
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, help_text="Draft minutes are never shown publicly."
    )
    published_on = models.DateField(null=True, blank=True)
    editions = models.ManyToManyField(
        PlanEdition, blank=True, related_name="minutes", help_text="The plan editions the minutes concern."
    )
    priorities = models.ManyToManyField(
        Priority, blank=True, related_name="minutes", help_text="The plan's priorities the minutes concern."
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="minutes", help_text="The plan's actions the minutes concern."
    )
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="minutes", help_text="The measures the minutes concern."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MinutesQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date"]
        verbose_name_plural = "minutes"

    def __str__(self):
        return f"Minutes of {self.meeting}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"pk": self.meeting_id}) + "#minutes"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def deletion_refusal(self):
        if not self.is_published:
            return None
        return (
            f"{describe(self)} are published. Correct them by editing them (the history keeps the earlier text). "
            "If they must be withdrawn, set them back to draft first."
        )


class Document(Sourced):
    """A paper for a meeting: an uploaded file or a link to where it is published."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=300)
    file = models.FileField(
        upload_to="meeting-documents/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=f"{FORMATS}, up to the size limit (DJANGO_DOCUMENT_MAX_MB, 20 MB unless set). Residents download it.",
    )
    url = models.URLField("link", blank=True, max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="document_file_or_link",
                violation_error_message="A document is either an uploaded file or a link, not both or neither.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", kwargs={"pk": self.meeting_id}) + f"#document-{self.pk}"

    @property
    def download_url(self):
        """Where residents download an uploaded file (served as a download, never inline); "" for a link."""
        if not self.file:
            return ""
        return reverse("governance:document-download", kwargs={"pk": self.pk, "name": self.file_name})

    @property
    def file_name(self):
        return self.file.name.rpartition("/")[2] if self.file else ""

    def clean(self):
        if bool(self.file) == bool(self.url):
            raise ValidationError("Upload a file or give a link to the document: one of the two, not both.")
        try:
            meeting = self.meeting  # may be unsaved when documents are added inline with a new meeting
        except ObjectDoesNotExist:
            return
        if self.agenda_item is not None and self.agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": "That agenda item belongs to another meeting."})


class StatutoryDutyQuerySet(models.QuerySet):
    def public(self):
        """Duties residents may see: those of no edition in particular, or of a published or archived one."""
        return self.filter(Q(edition__isnull=True) | ~Q(edition__status=PublicationStatus.DRAFT))


class StatutoryDuty(Sourced):
    """One of the statutory and legal duties of the Communities Board, as the plan lists them."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="duties")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="Word for word as the plan lists it.")
    edition = models.ForeignKey(
        PlanEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statutory_duties",
        help_text="The plan edition that lists the duty.",
    )
    history = HistoricalRecords()

    objects = StatutoryDutyQuerySet.as_manager()

    class Meta:
        ordering = ["body", "number"]
        verbose_name_plural = "statutory duties"
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="unique_duty_number"),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("governance:overview") + f"#duty-{self.pk}"


class KeyDecision(Sourced):
    """A key decision as published in the Council's forward plan notice."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        RECOMMENDATIONS_APPROVED = "approved", "Recommendations Approved"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=300)
    summary = models.TextField(help_text="What the notice says the decision is about.")
    decision_maker = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="key_decisions")
    due_date = models.DateField()
    first_published = models.DateField("notice first published", null=True, blank=True)
    reason_key = models.CharField("why it is a key decision", max_length=300, blank=True)
    wards_affected = models.CharField(max_length=300, blank=True, help_text="e.g. All Wards.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    lead_member = models.CharField(max_length=200, blank=True)
    lead_director = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    consultation = models.TextField(blank=True, help_text="The notice's account of the consultation.")
    plan_edition = models.ForeignKey(
        PlanEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="key_decisions"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_date", "title"]

    def __str__(self):
        return f"{self.title} ({self.decision_maker}, {self.due_date:%-d %B %Y})"

    def get_absolute_url(self):
        return reverse("governance:overview") + f"#key-decision-{self.pk}"

    @property
    def public_plan_edition(self):
        """The plan edition the decision concerns, if residents may see it: a draft is never named publicly."""
        edition = self.plan_edition
        return edition if edition is not None and edition.is_public else None
