"""What every record loaded from the source documents shares: where it comes from, and who changed it.

`loadplan` gives each record it loads a stable `fixture_key` and the document and section it comes
from (`source`). Officers' own records have no key. The admin stamps `officer_added_at` and
`officer_changed_at`, so a page can say, without a query, which facts are the documents' and which
an officer entered or changed.
"""

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
