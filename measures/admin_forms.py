"""The forms officers enter measures and their figures on: amounts as typed, and periods chosen, not typed.

Figures are stored to three decimal places whatever the measure reports, so Django would show 4612 as
4612.000; the forms show what the officer typed. A reported value's period is chosen from the financial
years and their quarters ("2024/25", "2024/25 Q1"), which fill in its first and last day; a period of
another length (a month, a calendar year, a survey's fieldwork) is still given by its dates.
"""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.admin_approval import FourEyesForm
from measures.models import financial_year_label, period_label_for

# The first financial year offered: the plans loaded start in 2018, their baselines a little earlier.
FIRST_YEAR = 2015
OTHER = "other"


def plain_amount(value):
    """A stored amount as an officer typed it: 4612 and 47.5, not 4612.000 and 47.500."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quarter(fy_start_year, number):
    """The first and last day of quarter `number` (1 to 4) of the financial year starting in April of that year."""
    month = 4 + 3 * (number - 1)
    start = date(fy_start_year + (month > 12), (month - 1) % 12 + 1, 1)
    following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def period_value(start, end):
    return f"{start.isoformat()}/{end.isoformat()}"


def period_choices(*, as_of):
    """Every financial year up to the one `as_of` is in, newest first, each with its quarters begun by then."""
    current = as_of.year if as_of.month >= 4 else as_of.year - 1
    groups = []
    for year in range(current, FIRST_YEAR - 1, -1):
        start, end = date(year, 4, 1), date(year + 1, 3, 31)
        options = [(period_value(start, end), f"{financial_year_label(year)}: the whole year")]
        for number in range(1, 5):
            q_start, q_end = quarter(year, number)
            if q_start <= as_of:
                span = f"{q_start:%B} to {q_end:%B %Y}"
                options.append((period_value(q_start, q_end), f"{period_label_for(q_start, q_end)}: {span}"))
        groups.append((financial_year_label(year), options))
    return [
        ("", "Choose the period"),
        *groups,
        (OTHER, "Other dates: give the first and last day below"),
    ]


def parse_period(value):
    start, _, end = value.partition("/")
    return date.fromisoformat(start), date.fromisoformat(end)


def show_plain(value):
    return plain_amount(value) if isinstance(value, Decimal) else value


class PlainAmountsForm(forms.ModelForm):
    """Shows the stored amounts of `amount_fields` as typed (4612, not 4612.000)."""

    amount_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown as typed; the stored Decimal stays the initial value, so an amount posted back unchanged
        # ("4612" for 4612.000) is no change: a text initial would make every figure on the page "changed".
        for name in self.amount_fields:
            if name in self.fields:
                self.fields[name].prepare_value = show_plain


class ReportedValueForm(FourEyesForm, PlainAmountsForm):
    """A reported value, its period chosen from the financial years and quarters, or given by its dates."""

    amount_fields = ["value"]

    period = forms.ChoiceField(
        required=False,
        help_text="The financial year or quarter the figure is for. For any other period, choose "
        "“Other dates” and give its first and last day.",
        error_messages={"invalid_choice": "Choose a period from the list, or “Other dates”."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = period_choices(as_of=timezone.localdate())
        self.fields["period"].choices = choices
        listed = {value for _, options in choices if isinstance(options, list) for value, _ in options}
        for name, label in (("period_start", "Other dates: first day"), ("period_end", "Last day")):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].label = label
        start, end = self.instance.period_start, self.instance.period_end
        if self.instance.pk is not None and start and end:
            if period_value(start, end) in listed:
                # A listed period shows as chosen; the dates are only for other periods.
                self.initial.update(period=period_value(start, end), period_start=None, period_end=None)
            else:
                self.initial["period"] = OTHER

    def clean(self):
        cleaned = super().clean()
        if "period_start" not in self.fields:
            return cleaned  # read-only for this officer
        period = cleaned.get("period")
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if period and period != OTHER:
            chosen = parse_period(period)
            if (start or end) and (start, end) != chosen:
                raise ValidationError(
                    {
                        "period": f"You chose {period_label_for(*chosen)} and also gave other dates. Choose "
                        "“Other dates” to use the dates, or clear them to use the period chosen."
                    }
                )
            cleaned["period_start"], cleaned["period_end"] = start, end = chosen
        elif not (start and end) and not self.has_error("period_start") and not self.has_error("period_end"):
            if period == OTHER or start or end:
                missing = {"period_start": "Give the first day of the period.", "period_end": "Give its last day."}
                raise ValidationError({name: message for name, message in missing.items() if not cleaned.get(name)})
            raise ValidationError({"period": "Choose the period the figure is for."})
        self._relabel(start, end)
        return cleaned

    def _relabel(self, start, end):
        """A label filled in from the old dates is filled in afresh from the new ones: a typed label stays."""
        old_start, old_end = self.instance.period_start, self.instance.period_end
        if self.instance.pk is None or not (old_start and old_end and start and end):
            return
        if (start, end) != (old_start, old_end):
            automatic = period_label_for(old_start, old_end)
            if "period_label" in self.fields:
                if self.cleaned_data.get("period_label") == automatic:
                    self.cleaned_data["period_label"] = ""
            elif self.instance.period_label == automatic:
                self.instance.period_label = ""  # filled in again by the model's clean()


class MeasureForm(PlainAmountsForm):
    amount_fields = ["baseline_value", "target_value", "tolerance"]
