"""What every officer admin page shares: an audit trail, and refusing to delete what the public can see.

Deletion is refused rather than cascaded. Foreign keys are mostly PROTECT, which Django's admin
already reports; on top of that, a record that is itself public (a published edition and
everything in it, a final value, published minutes) is reported as protected too, with a message
saying what to do instead: the model's `deletion_refusal()` says why. `get_deleted_objects()` feeds
both the delete page and the "delete selected" action, and the inline formsets check the same rule,
so there is one rule per model and no way round it in the admin.
"""

from itertools import pairwise

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.models import FourEyes, Sourced


class Refusal(str):
    """Why an object itself may not be deleted, as opposed to a protected object that depends on it."""


class ProtectedList(list):
    """Django's `protected` list, with our refusals kept apart so the page can word them differently."""

    @property
    def refusals(self):
        return [item for item in self if isinstance(item, Refusal)]

    @property
    def related(self):
        return [item for item in self if not isinstance(item, Refusal)]


class PlainTextFormField(forms.CharField):
    """Text as typed, its line breaks stored as \\n however the browser sends them (\\r\\n).

    So a text saved unchanged is unchanged: it is not recorded as an officer's change, and a later
    correction from the source documents can still reach it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


# Links officers paste without a scheme are to secure sites (Django 6 makes this the default); long
# texts keep their line breaks as the source documents have them.
FORMFIELD_OVERRIDES = {
    models.URLField: {"assume_scheme": "https"},
    models.TextField: {"form_class": PlainTextFormField},
}


def changes_since(obj, version):
    """What others changed in `obj` after its history record `version`, a line per change, oldest first."""
    records = list(obj.history.filter(history_id__gte=version).order_by("history_id"))
    lines = []
    for previous, record in pairwise(records):
        who = record.history_user or "A script (such as the plan loader)"
        when = f"{timezone.localtime(record.history_date):%-d %B %Y at %H:%M}"
        changed = [
            f"{obj._meta.get_field(change.field).verbose_name}: “{str(change.new)[:80]}”"
            for change in record.diff_against(previous).changes
            if change.field not in ("officer_added_at", "officer_changed_at", "updated_at")
        ]
        lines.append(f"{who} on {when}: {'; '.join(changed) or 'saved it unchanged'}")
    return lines


class SeenVersionForm(forms.ModelForm):
    """Refuses to save over a change someone else made after this officer opened the record.

    The page carries the record's latest history record when it was opened (`seen_version`). If the
    record has changed since, the save is refused, nothing is lost from the form, and the message says
    what changed; saving again then keeps this officer's version, knowingly.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    current_object = None
    current_version = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.current_version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if seen is not None and seen < self.current_version:
            changes = changes_since(self.current_object, seen)
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = self.current_version
            raise ValidationError(
                "Someone else changed this record after you opened it, so your changes have not been saved yet. "
                f"What changed: {' · '.join(changes)}. Check the form below (it still holds your changes) "
                "and save again to keep your version."
            )
        return cleaned


class PermittedRecordForm(forms.ModelForm):
    """Refuses a record the officer may not keep as filled in: a lead may enter figures for the measures
    they lead, so a value for another's measure is refused with a message, and nothing is saved."""

    officer = None
    change_permission = None

    def _update_errors(self, errors):
        """A rule about a field this officer's form does not show (read-only for their job) still shows,
        named, above the form, rather than failing (Django refuses an error for a field not on the form)."""
        if hasattr(errors, "error_dict"):
            elsewhere = [name for name in errors.error_dict if name != NON_FIELD_ERRORS and name not in self.fields]
            if elsewhere:
                kept = {name: messages for name, messages in errors.error_dict.items() if name not in elsewhere}
                for name in elsewhere:
                    label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
                    kept.setdefault(NON_FIELD_ERRORS, []).extend(
                        ValidationError(f"{label}: {message}") for message in ValidationError(errors.error_dict[name])
                    )
                errors = ValidationError(kept)
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        if self.officer is not None and not self.officer.has_perm(self.change_permission, self.instance):
            self.add_error(
                None,
                "You can enter this only for what you lead, and this is not yours: choose one of yours, or ask "
                "a performance officer or the lead.",
            )


class RecordPermissions:
    """Every permission asked of the record itself (kcpp/rules.py decides): for a model admin, the record
    on the page; for an inline, the record it belongs to."""

    def permission(self, action):
        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.permission("view"), obj) or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self.permission("change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self.permission("delete"), obj)


class OfficerAdminMixin(RecordPermissions):
    """Shared behaviour for every model admin. Subclasses say why an object may not be deleted."""

    formfield_overrides = FORMFIELD_OVERRIDES
    delete_confirmation_template = "admin/officer_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/officer_delete_selected_confirmation.html"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Officers named on a record (its leads) are chosen from the active officers, by name."""
        if db_field.related_model is get_user_model():
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda user: user.get_full_name() or user.get_username()
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def deletion_refusal(self, obj):
        """A `Refusal` saying why `obj` may not be deleted and what to do instead, or None.

        The rule is the model's own `deletion_refusal()`, where it has one.
        """
        rule = getattr(obj, "deletion_refusal", None)
        reason = rule() if rule is not None else None
        return Refusal(reason) if reason else None

    def view_on_site(self, obj):
        """The public page, offered only for what residents can see (drafts have none)."""
        if getattr(obj, "is_public", True) is False or getattr(obj, "is_published", True) is False:
            return None
        return obj.get_absolute_url()

    def get_queryset(self, request):
        # The related rows the list needs are the ones __str__, autocomplete and change pages need.
        queryset = super().get_queryset(request)
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    @admin.display(description="Where this comes from")
    def provenance(self, obj):
        return obj.provenance

    def locked_fields(self, request, obj=None):
        """The fields this officer's job does not let them change (ADMIN_FIELD_PERMISSIONS), shown read-only."""
        rules = settings.ADMIN_FIELD_PERMISSIONS.get(self.opts.label_lower, {})
        if not rules:
            return []
        names = [field.name for field in self.opts.fields if field.editable and not field.primary_key]
        names += [field.name for field in self.opts.many_to_many]
        return [
            name
            for name in names
            if (permission := rules.get(name, rules.get("*"))) and not request.user.has_perm(permission, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        fields += [name for name in self.locked_fields(request, obj) if name not in fields]
        return [*fields, "provenance"] if isinstance(obj, Sourced) else fields

    def get_fieldsets(self, request, obj=None):
        """Every loaded record's page says which document and section it comes from, or who entered it.

        A record with a history also carries, hidden, the version the officer opened (`SeenVersionForm`).
        """
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and hasattr(obj, "history") and "seen_version" not in flatten_fieldsets(fieldsets):
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]
        if not isinstance(obj, Sourced) or "provenance" in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, ("Source", {"fields": ["provenance"]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.pop("form", self.form)
        attrs = {"officer": request.user, "change_permission": self.permission("change")}
        bases = (PermittedRecordForm, base)
        if obj is not None and hasattr(obj, "history"):
            latest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
            attrs |= {"current_object": obj, "current_version": latest}
            bases = (SeenVersionForm, *bases)
        form = type(base.__name__, bases, attrs)
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Sourced) and (form.has_changed() or not change):
            obj.record_officer_edit()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            deleting = formset.can_delete and formset._should_delete_form(inline_form)
            if isinstance(instance, Sourced) and inline_form.has_changed() and not deleting:
                instance.record_officer_edit()
            if isinstance(instance, FourEyes) and (inline_form.has_changed() or instance.pk is None) and not deleting:
                # Provisional, in the officer's name, for a second officer to approve (core/admin_approval.py).
                reason = getattr(inline_form, "cleaned_data", {}).get("correction_reason", "")
                instance.enter(request.user, correction_reason=reason)
        super().save_formset(request, form, formset, change)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [refusal for obj in objs if (refusal := self.deletion_refusal(obj))]
        return deleted, model_count, perms_needed, ProtectedList([*refusals, *protected])


class OfficerAdmin(OfficerAdminMixin, admin.ModelAdmin):
    """Admin for a model without history."""


class ChoiceLabelsContextHelper(HistoricalRecordContextHelper):
    """Shows a change of a choice field as officers know it ("On track → At risk"), not as stored."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class OfficerHistoryAdmin(OfficerAdminMixin, SimpleHistoryAdmin):
    """Admin for a model with `history = HistoricalRecords()`: the History button shows who changed what.

    `history_list_display` adds columns to that page; keep choice fields out of it, as it shows
    their stored codes: the Changes column already shows them with their labels.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return ChoiceLabelsContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting to an old version is a change: refused to an officer who may not change the record
        (simple-history only hides the button)."""
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RefuseDeletionFormSet(BaseInlineFormSet):
    """Applies the model admin's deletion rule to rows ticked for deletion in an inline."""

    deletion_refusal = None

    def clean(self):
        super().clean()
        if not (self.can_delete and self.deletion_refusal):
            return
        refusals = [
            refusal
            for form in self.initial_forms
            if hasattr(form, "cleaned_data")
            and self._should_delete_form(form)
            and (refusal := self.deletion_refusal(form.instance))
        ]
        if refusals:
            raise ValidationError(refusals)


class OfficerInlineMixin(RecordPermissions):
    extra = 0
    view_on_site = False
    formfield_overrides = FORMFIELD_OVERRIDES
    show_change_link = True
    formset = RefuseDeletionFormSet
    # Related rows each row's __str__ needs (the inline shows it beside the change link).
    select_related = ()
    # Fields that point at other rows of the parent. Until the parent is saved, the model's clean()
    # cannot check them (it needs the parent's id), and no right choice exists yet anyway.
    fields_once_saved = ()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [field for field in fields if field not in self.fields_once_saved]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    # Asked of the record the inline belongs to (a lead may add figures to their own measure).
    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(self.permission("add"), obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        refusal = getattr(self.admin_site._registry.get(self.model), "deletion_refusal", None)
        if refusal is not None:
            formset.deletion_refusal = staticmethod(refusal)
        return formset


class OfficerTabularInline(OfficerInlineMixin, admin.TabularInline):
    pass


class OfficerStackedInline(OfficerInlineMixin, admin.StackedInline):
    pass
