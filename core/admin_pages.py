"""What the officer admin's pages show beyond Django's own: records named as officers know them, and a
history page with only the columns that say something.

A model's `__str__` serves the public pages and messages, and some are too bare for an officer choosing
among hundreds of records: "2023/24: 4,612" says neither which measure nor where. An admin names its
records better with `record_name()`, and `OfficerPagesAdmin` shows that name wherever Django would show
`__str__` on an officer's page: the list's boxes to select a row, the change page's heading and
breadcrumbs, the history page (its title and each version), the delete pages (the records that depend on
another one included), the message after saving or deleting, and the index's "Recent actions".

The history page leaves out simple-history's "Change reason" column, which no form fills in: the reason a
script gives ("Loaded from the source documents") is shown under who made the change instead.

A field an officer may only view is shown as Django shows a stored value (a figure as 4612.000), unless
the admin names a display method for it in `read_only_displays` (a figure as the public pages write it).
"""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects, quote, unquote
from django.db import router
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from core.admin import OfficerHistoryAdmin


def related_column(path, description=None):
    """A list column for a related record (`path`: "meeting", "priority__edition") whose name wraps in its cell.

    Django keeps the name of a related record on one line, and a few long ones ("Kirklees Communities
    Partnership Board – 20 September 2022") push a list past the screen.
    """
    names = path.split("__")

    def column(obj):
        for name in names:
            obj = getattr(obj, name)
            if obj is None:
                return None
        return str(obj)

    column.__name__ = path
    column.short_description = description or capfirst(names[-1].replace("_", " "))
    column.admin_order_field = path
    return column


def swap_fields(fieldsets, swaps):
    """`fieldsets` with each field named in `swaps` replaced by the name it maps to."""

    def swap(line):
        return (
            type(line)(swaps.get(name, name) for name in line)
            if isinstance(line, list | tuple)
            else swaps.get(line, line)
        )

    return [(title, {**options, "fields": [swap(line) for line in options["fields"]]}) for title, options in fieldsets]


class ReadOnlyDisplaysMixin:
    """Shows each field of `read_only_displays` by its display method wherever the officer may not change it."""

    # {"value": "value_text"}: the field, and the admin's display method that shows it read-only.
    read_only_displays = {}

    def locked_for(self, request, obj):
        """The fields this officer sees but may not change on `obj`; None for all of them."""
        raise NotImplementedError

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.read_only_displays:
            return fieldsets
        locked = self.locked_for(request, obj)
        swaps = {name: shown for name, shown in self.read_only_displays.items() if locked is None or name in locked}
        return swap_fields(fieldsets, swaps) if swaps else fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        return [*fields, *(shown for shown in self.read_only_displays.values() if shown not in fields)]


class ReadOnlyDisplaysInlineMixin(ReadOnlyDisplaysMixin):
    def locked_for(self, request, obj):
        # The rows are read-only together, and only when no new row may be added in the same table.
        if self.has_change_permission(request, obj) or self.has_add_permission(request, obj):
            return ()
        return None


def record_name(admin_site, obj):
    """`obj` as its model's admin names it (`record_name()`), or as its model does."""
    model_admin = admin_site._registry.get(type(obj))
    return model_admin.record_name(obj) if hasattr(model_admin, "record_name") else str(obj)


def named_deleted_objects(objs, request, admin_site):
    """Django's `get_deleted_objects()` (django.contrib.admin.utils), each record named by its admin.

    The related rows each name needs (`record_name_related`) are fetched once for all the records of a
    model, not once a record.
    """
    if not objs:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    by_model = defaultdict(list)
    for obj in [*(obj for found in collector.model_objs.values() for obj in found), *collector.protected]:
        by_model[type(obj)].append(obj)
    for model, found in by_model.items():
        if related := getattr(admin_site._registry.get(model), "record_name_related", ()):
            prefetch_related_objects(found, *related)
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        kind, name = capfirst(opts.verbose_name), record_name(admin_site, obj)
        if not admin_site.is_registered(type(obj)):
            return f"{kind}: {name}"
        if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),))
        except NoReverseMatch:
            return f"{kind}: {name}"
        return format_html('{}: <a href="{}">{}</a>', kind, url, name)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()}
    return to_delete, model_count, perms_needed, protected


class NamedDeletionsAdmin(admin.ModelAdmin):
    """Django's own step of listing what a deletion would take, with each record named by its admin.

    A base listed after `OfficerHistoryAdmin`, so that its refusals are still added on top of this list.
    """

    def get_deleted_objects(self, objs, request):
        return named_deleted_objects(list(objs), request, self.admin_site)


class OfficerPagesMixin(ReadOnlyDisplaysMixin):
    object_history_template = "admin/officer_history.html"
    object_history_list_template = "admin/officer_history_list.html"
    # The related rows `record_name()` reads, fetched with the record wherever it is named.
    record_name_related = ()

    def record_name(self, obj):
        """How officers know `obj` (the record, or a version of it in its history, which has the same fields)."""
        return str(obj)

    def locked_for(self, request, obj):
        if not self.has_change_permission(request, obj):
            return None
        displays = set(self.read_only_displays.values())
        return {name for name in super().get_readonly_fields(request, obj) if name not in displays}

    # ---- the admin's own log (the index's "Recent actions") and its messages after saving or deleting ----

    def log_addition(self, request, obj, message):
        return self._log_named(request, super().log_addition(request, obj, message), [obj])

    def log_change(self, request, obj, message):
        return self._log_named(request, super().log_change(request, obj, message), [obj])

    def log_deletions(self, request, queryset):
        objs = list(queryset)
        if self.record_name_related:
            prefetch_related_objects(objs, *self.record_name_related)
        return self._log_named(request, super().log_deletions(request, objs), objs)

    def _log_named(self, request, logged, objs):
        """Names the records in the log entries just made, and in the message the officer is about to read."""
        names = {str(obj.pk): (str(obj), self.record_name(obj)) for obj in objs}
        entries = logged if isinstance(logged, list) else [logged]
        renamed = [entry for entry in entries if entry.pk is not None and str(entry.object_id) in names]
        for entry in renamed:
            entry.object_repr = names[str(entry.object_id)][1][:200]
        LogEntry.objects.bulk_update(renamed, ["object_repr"])
        request.__dict__.setdefault("_record_names", {}).update(names.values())
        return logged

    def message_user(self, request, message, *args, **kwargs):
        for shown, name in getattr(request, "_record_names", {}).items():
            if isinstance(message, SafeString):
                message = mark_safe(message.replace(conditional_escape(shown), conditional_escape(name)))  # noqa: S308
            else:
                message = message.replace(shown, name)
        return super().message_user(request, message, *args, **kwargs)

    def response_delete(self, request, obj_display, obj_id):
        names = getattr(request, "_record_names", {})
        return super().response_delete(request, names.get(obj_display, obj_display), obj_id)

    def action_checkbox(self, obj):
        attrs = {"class": "action-select", "aria-label": f"Select {self.record_name(obj)}"}
        return forms.CheckboxInput(attrs, lambda value: False).render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["record_name"] = context["subtitle"] = self.record_name(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        context["record_name"] = self.record_name(context["object"])
        return super().render_delete_form(request, context)

    # ---- the history page -------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        columns = [(name, self.history_column_label(name)) for name in self.get_history_list_display(request)]
        obj = self.get_object(request, unquote(object_id))
        name = self.record_name(obj) if obj is not None else None  # None: deleted, and named by its last version
        context = {**(extra_context or {}), "history_columns": columns, "record_name": name}
        return super().history_view(request, object_id, context)

    def history_column_label(self, name):
        method = getattr(self, name, None)
        if callable(method):
            return getattr(method, "short_description", capfirst(name.replace("_", " ")))
        return capfirst(self.opts.get_field(name).verbose_name)

    def history_view_title(self, request, obj):
        return f"History of {self.record_name(obj)}"

    def history_form_view_title(self, request, obj):
        return f"{self.record_name(obj)}, as it was"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related(*self.record_name_related) if self.record_name_related else queryset

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.record_name = self.record_name(record)


class OfficerPagesAdmin(OfficerPagesMixin, OfficerHistoryAdmin, NamedDeletionsAdmin):
    """`OfficerHistoryAdmin`, with records named as officers know them (`record_name()`) on every page."""
