"""The public filter forms' shared behaviour: GOV.UK select markup and plain error messages.

Every public listing (measures, meetings) filters with a django-filter FilterSet whose form is
`GovukFilterForm`, and lays each field out with templates/includes/filter_field.html.
"""

from django import forms
from django.core.exceptions import ValidationError


def choice_errors(noun):
    """One plain message for any value not in the list, however it is malformed."""
    message = f"Select a {noun} from the list"  # noqa: S608 - an error message that only reads like SQL
    return {"invalid_choice": message, "null_characters_not_allowed": message}


class GovukFilterForm(forms.Form):
    """A filter form whose selects carry GOV.UK classes, and the error class once validation fails."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "govuk-select"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    # Pairs of (start, end, what) date filters whose end may not come before their start.
    date_ranges = ()

    def clean(self):
        cleaned = super().clean()
        for start_name, end_name, what in self.date_ranges:
            start, end = cleaned.get(start_name), cleaned.get(end_name)
            if start and end and end < start:
                self.add_error(end_name, f"The end of the {what} must be on or after its start")
        return cleaned

    def add_error(self, field, error):
        # Some checks (null characters) raise their own wording; use the field's message for that code instead.
        if field in self.fields and isinstance(error, ValidationError) and not hasattr(error, "error_dict"):
            messages = self.fields[field].error_messages
            error = ValidationError(
                [ValidationError(messages[e.code], code=e.code) if e.code in messages else e for e in error.error_list]
            )
        super().add_error(field, error)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = "govuk-select govuk-select--error"
                described_by = [attrs.get("aria-describedby", ""), f"{self[name].auto_id}-error"]
                attrs["aria-describedby"] = " ".join(part for part in described_by if part)
