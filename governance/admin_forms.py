"""A meeting recorded on one page: its agenda, the decisions made on each item, and the papers for each.

Django's inlines edit the rows that point at the page's record, and has no inline within an inline; a
decision points at its agenda item, not at the meeting. So the meeting's page has one table of all its
decisions, each naming its agenda item by the item's order, and checked against the agenda as it is
submitted on the same page: a new meeting, its agenda and the decisions on it are recorded in one go.
"""

from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseModelFormSet

from core.admin import RefuseDeletionFormSet
from governance.models import AgendaItem, Decision

# How many items a new agenda may have that its decisions can already be recorded under.
NEW_ITEMS_OFFERED = 12


def meeting_page(request):
    """What the tables of one meeting's page share while it is submitted: the agenda's table, for the decisions'."""
    return request.__dict__.setdefault("_meeting_page", SimpleNamespace(agenda=None))


def item_label(item):
    return f"{item.agenda_number}. {item.title}" if item.agenda_number else item.title


class AgendaItemsFormSet(RefuseDeletionFormSet):
    """A meeting's agenda items, which the decisions table on the same page checks its rows against."""

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        if page is not None:
            page.agenda = self

    def save_existing_objects(self, commit=True):
        """Items that swap places (1 and 2 becoming 2 and 1) are first moved out of the way, so that saving
        one does not clash with the other's old number in the database's one-number-per-item rule."""
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and "number" in form.changed_data and not self._should_delete_form(form)
        ]
        if commit and moving:
            spare = 32767  # the largest order a PositiveSmallIntegerField holds; counted down, never used by officers
            for offset, pk in enumerate(moving):
                AgendaItem.objects.filter(pk=pk).update(number=spare - offset)
        return super().save_existing_objects(commit)

    def as_submitted(self):
        """{item id (None for new ones): [its order]} for the items kept as submitted; None while it has errors."""
        if not self.is_valid():
            return None
        kept = {}
        for form in self.forms:
            if self._should_delete_form(form) or not (form in self.initial_forms or form.has_changed()):
                continue
            kept.setdefault(form.instance.pk, []).append(form.cleaned_data.get("number"))
        return kept


class MeetingDecisionForm(forms.ModelForm):
    item = forms.IntegerField(
        label="Agenda item",
        widget=forms.Select,
        help_text="The item it was made on. Add the item to the agenda above first, on the same page if you like.",
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].widget.choices = item_choices
        if self.instance.pk is not None:
            self.initial["item"] = self.instance.agenda_item.number


class MeetingDecisionsFormSet(BaseModelFormSet):
    """Every decision made at a meeting (`instance`), each under one of its agenda items, named by the item's order."""

    def __init__(self, data=None, files=None, instance=None, save_as_new=False, prefix=None, queryset=None, **kwargs):
        self.instance = instance
        self.page = kwargs.pop("page", None)
        decisions = Decision.objects.all() if queryset is None else queryset
        if instance is None or instance.pk is None:
            decisions = decisions.none()
        else:
            decisions = decisions.filter(agenda_item__meeting=instance)
        decisions = decisions.select_related("agenda_item").order_by("agenda_item__number", "number")
        self.saved_items = list(instance.agenda_items.order_by("number")) if instance and instance.pk else []
        super().__init__(data, files, prefix=prefix, queryset=decisions, **kwargs)

    @classmethod
    def get_default_prefix(cls):
        return "decisions"

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "item_choices": self.item_choices()}

    def item_choices(self):
        last = max((item.number for item in self.saved_items), default=0)
        return [
            ("", "---------"),
            *((item.number, item_label(item)) for item in self.saved_items),
            *(
                (number, f"The item at order {number}, added on this page")
                for number in range(last + 1, last + 1 + NEW_ITEMS_OFFERED)
            ),
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        agenda = self._agenda_as_submitted()
        if agenda is None:
            return  # the agenda's own errors first
        numbers = {number for orders in agenda.values() for number in orders}
        seen = {}
        for form in self.forms:
            if self._should_delete_form(form) or not (form in self.initial_forms or form.has_changed()):
                continue
            data = form.cleaned_data
            if form.instance.pk is not None and "item" not in form.changed_data:
                # Under the same item as before, wherever the agenda now orders it.
                orders = agenda.get(form.instance.agenda_item_id)
                if not orders:
                    form.add_error(
                        None,
                        f"Decision ({data.get('number')}) is recorded under an agenda item you are removing: delete "
                        "the decision too, or keep the item.",
                    )
                    continue
                order = orders[0]
            else:
                order = data.get("item")
                if order not in numbers:
                    form.add_error(
                        "item", f"The agenda has no item at order {order}: choose one of its items, or add it above."
                    )
                    continue
            key = (order, data.get("number"))
            if key in seen:
                form.add_error("number", f"The agenda item at order {order} already has a decision ({key[1]}).")
            seen[key] = form
        if any(self.errors):
            raise ValidationError("Please correct the decisions below.")

    def _agenda_as_submitted(self):
        agenda = getattr(self.page, "agenda", None)
        if agenda is not None:
            return agenda.as_submitted()
        return {item.pk: [item.number] for item in self.saved_items}

    def save(self, commit=True):
        # The agenda's table is saved first (it comes first on the page): its items are there to choose.
        items = {item.number: item for item in self.instance.agenda_items.all()}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            moved = form.instance.pk is None or "item" in form.changed_data
            if moved and form.cleaned_data.get("item") in items:
                form.instance.agenda_item = items[form.cleaned_data["item"]]
        return super().save(commit)


class MeetingDocumentForm(forms.ModelForm):
    """A paper for a meeting, tied if need be to one of the meeting's own agenda items."""

    def __init__(self, *args, agenda_items=None, item_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agenda_items is not None and "agenda_item" in self.fields:
            field = self.fields["agenda_item"]
            field.queryset, field.choices = agenda_items, item_choices


class MeetingDocumentsFormSet(RefuseDeletionFormSet):
    def get_form_kwargs(self, index):
        if not hasattr(self, "_items"):
            self._items = list(self.instance.agenda_items.order_by("number")) if self.instance.pk else []
        items = AgendaItem.objects.filter(meeting=self.instance) if self.instance.pk else AgendaItem.objects.none()
        choices = [("", "---------"), *((item.pk, item_label(item)) for item in self._items)]
        return {**super().get_form_kwargs(index), "agenda_items": items, "item_choices": choices}
