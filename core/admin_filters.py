"""List filters the officer admin's lists share."""

from django.contrib import admin


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter on a relation (an action's priority) that lists only the related records within one scope (the
    priorities of one plan edition), headed with the scope's name.

    Every edition numbers its priorities from 1, so a filter listing them all shows three "1."s. The scope in
    view is the one chosen in the list's filter on it (`priority__edition`), else that of the record chosen,
    else the one its manager calls current (`current()`), else the first in its order. Use `scoped_by()`:
    `list_filter = ["priority__edition", ("priority", scoped_by("edition"))]`.
    """

    scope = None  # the field of the related model that is its scope: "edition"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.scope_in_view = self.find_scope(field, request, field_path)
        super().__init__(field, request, params, model, model_admin, field_path)
        if self.scope_in_view is not None:
            self.title = f"{self.title} in {self.scope_in_view}"

    def find_scope(self, field, request, field_path):
        related = field.related_model
        scope_field = related._meta.get_field(self.scope)
        scopes = scope_field.related_model._default_manager
        chosen_scope = request.GET.get(f"{field_path}__{self.scope}__{scope_field.target_field.name}__exact", "")
        chosen = request.GET.get(f"{field_path}__{field.target_field.name}__exact", "")
        if chosen_scope.isdigit():
            return scopes.filter(pk=chosen_scope).first()
        if chosen.isdigit():
            return scopes.filter(pk__in=related._default_manager.filter(pk=chosen).values(scope_field.attname)).first()
        current = getattr(scopes, "current", None)
        return (current() if current is not None else None) or scopes.first()

    def has_output(self):
        # Django leaves out, and does not apply, a filter of one choice: a scope may hold one record.
        return bool(self.lookup_choices or self.used_parameters)

    def field_choices(self, field, request, model_admin):
        if self.scope_in_view is None:
            return []
        within = field.related_model._default_manager.filter(**{self.scope: self.scope_in_view})
        return [(record.pk, str(record)) for record in within]


def scoped_by(scope):
    """A `ScopedRelatedFilter` whose scope is the related model's field `scope`."""
    return type(f"ScopedBy{scope.title()}Filter", (ScopedRelatedFilter,), {"scope": scope})
