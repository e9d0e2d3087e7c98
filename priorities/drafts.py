"""The annual refresh, prepared in private: a new draft edition copied from a published one, then published.

`copy_edition()` makes the draft: the edition's texts, its commitments, priorities, themes, actions and
measures with their baselines and targets, and who leads each, every copy pointing at the record it was
copied from (`carried_from`), so that "what changed" matches them as the same items however they are
then moved or reworded. Reported values and progress updates are not copied: they belong to the plan
they were reported against; but a copied measure carries on the series of figures of the one it was
copied from (`Measure.series`), so that its page and its status read the figures reported before it,
each labelled with the edition it was reported under. A measure's code is unique across the portal (it
is in the measure's web address), so each copy's code ends with the new edition's first year
("KPM-1.1-2025"), which officers may change in the draft.

`publish_edition()` makes a draft the current plan: the published edition is archived (it stays
browsable at its own address) and the draft published, in one transaction, with its approval record;
where a decision of a meeting approved it, the decision records that it approved this edition.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from priorities.models import Action, Commitment, PlanEdition, Priority, PublicationStatus, Theme


def measure_model():
    """The measures app's Measure: that app builds on this one, so it is looked up, not imported."""
    return apps.get_model("measures", "Measure")


def _copy(record, **changes):
    """An unsaved copy of `record` with `changes`, carried from it, without the loader's key or the officers' stamps."""
    copy = record.__class__()
    for field in record._meta.concrete_fields:
        if field.primary_key or field.name in ("fixture_key", "officer_added_at", "officer_changed_at"):
            continue
        setattr(copy, field.attname, getattr(record, field.attname))
    copy.carried_from_id = record.pk
    copy.source = f"Copied from {record.source}" if record.source else ""
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def copied_code(code, year):
    suffix = f"-{year}"
    length = measure_model()._meta.get_field("code").max_length
    return f"{code[: length - len(suffix)]}{suffix}"


def refuse_taken_codes(codes):
    """Refuse, before anything is made, copied codes that another measure has or that two copies would share
    (a long code shortened to take the year)."""
    taken = sorted(
        {code for code in codes if codes.count(code) > 1}
        | set(measure_model().objects.filter(code__in=codes).values_list("code", flat=True))
    )
    if taken:
        raise ValidationError(
            f"The copied measures' codes would repeat codes already in use ({', '.join(taken)}): nothing was "
            "copied. Shorten those measures' codes in the current edition, or choose another first year."
        )


@transaction.atomic
def copy_edition(edition, *, title, slug, kind, start_year, end_year):
    """A new draft edition following `edition`, holding a copy of its plan (see the module's description)."""
    draft = PlanEdition(
        title=title,
        slug=slug,
        kind=kind,
        start_year=start_year,
        end_year=end_year,
        vision=edition.vision,
        summary=edition.summary,
        sia_overview=edition.sia_overview,
        status=PublicationStatus.DRAFT,
        follows=edition,
    )
    draft.record_officer_edit()
    draft.full_clean()
    draft.save()
    for commitment in Commitment.objects.filter(edition=edition).order_by("number", "pk"):
        _copy(commitment, edition=draft).save()
    priorities = {}
    for priority in Priority.objects.filter(edition=edition).prefetch_related("leads").order_by("number", "pk"):
        copy = _copy(priority, edition=draft)
        copy.save()
        copy.leads.set(priority.leads.all())
        priorities[priority.pk] = copy
    themes = {}
    # Themes before their sub-themes, so each sub-theme's parent is copied first.
    for theme in Theme.objects.filter(priority__edition=edition).order_by("parent_id", "order", "pk"):
        parent = themes.get(theme.parent_id)
        copy = _copy(theme, priority=priorities[theme.priority_id], parent=parent)
        copy.save()
        themes[theme.pk] = copy
    actions = Action.objects.filter(priority__edition=edition).prefetch_related("lead_partners", "leads")
    for action in actions.order_by("priority__number", "number", "pk"):
        # The new plan's actions start afresh: no progress or dates carried from the old one's.
        copy = _copy(action, priority=priorities[action.priority_id], progress=None, start_date=None, due_date=None)
        copy.save()
        copy.lead_partners.set(action.lead_partners.all())
        copy.leads.set(action.leads.all())
    measures = measure_model().objects.filter(priority__edition=edition).prefetch_related("leads")
    refuse_taken_codes([copied_code(code, start_year) for code in measures.values_list("code", flat=True)])
    for measure in measures.order_by("priority__number", "number", "pk"):
        # The copy carries on the measure's series of figures, a generation on (`Measure.series`).
        copy = _copy(
            measure,
            priority=priorities[measure.priority_id],
            code=copied_code(measure.code, start_year),
            series=measure.series,
            generation=measure.generation + 1,
        )
        copy.save()
        copy.leads.set(measure.leads.all())
    return draft


@transaction.atomic
def publish_edition(draft, *, approval, approval_body, approval_date, approval_note, decision=None):
    """Make `draft` the current plan with its approval record, archiving the one it replaces. Returns that one."""
    current = PlanEdition.objects.select_for_update().filter(status=PublicationStatus.PUBLISHED).first()
    if current is not None:
        current.status = PublicationStatus.ARCHIVED
        current.record_officer_edit()
        current.save()
    draft.status = PublicationStatus.PUBLISHED
    draft.approval, draft.approval_body = approval, approval_body
    draft.approval_date, draft.approval_note = approval_date, approval_note
    draft.record_officer_edit()
    draft.full_clean()
    draft.save()
    if decision is not None:
        decision.approves_edition = draft
        decision.save()
    return current
