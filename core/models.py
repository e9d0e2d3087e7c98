"""What every record loaded from the source documents shares: where it comes from, and who changed it.

`loadplan` gives each record it loads a stable `fixture_key` and the document and section it comes
from (`source`). Officers' own records have no key. The admin stamps `officer_added_at` and
`officer_changed_at`, so a page can say, without a query, which facts are the documents' and which
an officer entered or changed.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date


class Sourced(models.Model):
    """A record that may come from the source documents (an abstract base, no table of its own)."""

    fixture_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The record's stable identifier in the fixtures; empty for what officers enter.",
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The document and section this record was loaded from.",
    )
    officer_added_at = models.DateTimeField(null=True, blank=True, editable=False)
    officer_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_loaded(self):
        """Whether the record came from the source documents rather than from an officer."""
        return self.fixture_key is not None

    def record_officer_edit(self, *, at=None):
        """Stamp an officer's adding or changing this record (call before saving it)."""
        at = at or timezone.now()
        if self._state.adding:
            self.officer_added_at = at
        else:
            self.officer_changed_at = at

    @property
    def provenance(self):
        """Where the record comes from, in a sentence: its source, or that an officer entered it."""
        changed = day(self.officer_changed_at)
        if self.is_loaded:
            text = f"{self.source}." if self.source else "The source documents."
            return f"{text} Changed by an officer on {changed}." if changed else text
        added = f" on {day(self.officer_added_at)}" if self.officer_added_at else ""
        later = f", last changed on {changed}" if changed else ""
        return f"Entered by an officer{added}{later}."


def day(moment):
    """A moment as the day it fell on in the UK, e.g. 4 December 2026; empty for none."""
    return format_date(timezone.localtime(moment), "j F Y") if moment else ""


class Approval(models.TextChoices):
    """Whether a figure or an update is public: provisional until a second officer approves it as final."""

    PROVISIONAL = "provisional", "Provisional"
    FINAL = "final", "Final"


class FourEyes(models.Model):
    """A record an officer enters and a second officer approves before the public sees it (an abstract base).

    It is entered provisional; it becomes final only when another officer approves it (`approve()`),
    never the one who last entered or changed it. Correcting it once final takes it back to provisional
    with a reason, for approval again; once approved, the reason is shown with it ("Revised on 3 March
    2025: figure restated by West Yorkshire Police"). Each subclass names its approval field
    (`approval_field`) and the fields whose change is a correction (`corrected_fields`).
    """

    approval_field = "status"
    corrected_fields = ()

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The officer who last entered or changed it; another officer approves it.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision_reason = models.TextField(
        "reason for the correction",
        blank=True,
        db_default="",
        editable=False,  # given on the form as the correction's reason (core/admin_approval.py)
        help_text="Why a final record was corrected, as the public will read it: "
        "“figure restated by West Yorkshire Police”.",
    )
    revised_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When the latest correction was approved."
    )

    class Meta:
        abstract = True

    @property
    def is_final(self):
        return getattr(self, self.approval_field) == Approval.FINAL

    @property
    def revision_text(self):
        """“Revised on 3 March 2025: figure restated by West Yorkshire Police”, or "" if never corrected."""
        return revision_text(self.revised_on, self.revision_reason)

    def approval_refusal(self, officer):
        """Why `officer` may not approve this record, in a sentence; None if they may."""
        if self.is_final:
            return "It is already final."
        if self.entered_by_id is not None and self.entered_by_id == officer.pk:
            return "You entered or last changed it, so another officer must approve it."
        return None

    def approve(self, officer, *, at=None):
        """Make it final, approved by `officer` (who must not be the one who entered it); the caller saves."""
        refusal = self.approval_refusal(officer)
        if refusal:
            raise ValueError(refusal)
        at = at or timezone.now()
        setattr(self, self.approval_field, Approval.FINAL)
        self.approved_by, self.approved_at = officer, at
        if self.revision_reason and self.revised_on is None:
            self.revised_on = timezone.localdate(at)

    def enter(self, officer, *, correction_reason=""):
        """Record that `officer` entered or changed it: provisional again, for another officer to approve.

        A final record's correction needs its reason (the form asks for it).
        """
        was_final = self.pk is not None and self.is_final
        self.entered_by = officer
        setattr(self, self.approval_field, Approval.PROVISIONAL)
        self.approved_by, self.approved_at = None, None
        if was_final or correction_reason:
            self.revision_reason, self.revised_on = correction_reason, None


def revision_text(revised_on, reason):
    """The public note of an approved correction: “Revised on 3 March 2025: figure restated by …”, or ""."""
    if isinstance(revised_on, str):
        revised_on = date.fromisoformat(revised_on)
    if not revised_on or not reason:
        return ""
    return f"Revised on {format_date(revised_on, 'j F Y')}: {reason}"
