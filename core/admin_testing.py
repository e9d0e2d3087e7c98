"""Helpers for the admin tests of every app: which models are registered, and what a browser posts."""

import inspect

import factory
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.forms import FileField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin


def registered_admins(app_label):
    """The model admins of one app, so a model registered later is tested without editing the tests."""
    admins = [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == app_label]
    return sorted(admins, key=lambda model_admin: model_admin.model._meta.model_name)


def admin_id(model_admin):
    return model_admin.model._meta.model_name


def factories_by_model(*modules):
    """The first factory defined for each model in the given factory modules."""
    found = {}
    for module in modules:
        for candidate in vars(module).values():
            if (
                inspect.isclass(candidate)
                and issubclass(candidate, factory.django.DjangoModelFactory)
                and candidate._meta.model is not None
            ):
                found.setdefault(candidate._meta.model, candidate)
    return found


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _post_value(bound_field):
    value = bound_field.value()
    if value is None or value is False or isinstance(value, FieldFile) or isinstance(bound_field.field, FileField):
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def post_back(response, **changes):
    """The data a browser would post from an admin add or change page, with `changes` applied.

    Covers the main form, every inline's management form and the rows already shown. A change of
    None removes the field, as an unticked box or an emptied select would.
    """
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context.get("inline_admin_formsets") or []:  # none on a history revert page
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = str(bound_field.value())
        forms.extend(formset.forms)
    for form in forms:
        for bound_field in form:
            value = _post_value(bound_field)
            if value is not None:
                data[bound_field.html_name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def add_inline_rows(data, prefix, *rows):
    """Add new rows to an inline in post data made by `post_back`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{total + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


def form_errors(response):
    """Every error on a re-shown admin form: the main form's and each inline's, as text."""
    messages = []
    form = response.context["adminform"].form
    messages.extend(str(error) for errors in form.errors.values() for error in errors)
    for inline in response.context.get("inline_admin_formsets") or []:  # none on a history revert page
        formset = inline.formset
        messages.extend(str(error) for error in formset.non_form_errors())
        for row_errors in formset.errors:
            messages.extend(str(error) for errors in row_errors.values() for error in errors)
    return messages


# ---- checks every registered model admin must pass ----------------------------------------------


def _value_at(obj, path):
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def search_term(model_admin, obj):
    """What an officer might type to find `obj`: the start of its first searchable value."""
    return next(
        str(value)[:30]
        for field in model_admin.search_fields
        if (value := _value_at(obj, field.lstrip("^=@"))) not in (None, "")
    )


def make_instance(model_admin, factories):
    model = model_admin.model
    assert model in factories, f"Add a factory for {model.__name__} to the app's tests/factories.py."
    return factories[model]()


def check_pages_open(client, model_admin, factories):
    """The list, add, change and history pages of an existing object all open and show it."""
    model = model_admin.model
    obj = make_instance(model_admin, factories)
    name = model._meta.verbose_name

    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert admin_url(model, "change", obj.pk) in changelist.content.decode()

    add = client.get(admin_url(model, "add"))
    assert add.status_code == 200
    assert f"Add {name}" in add.content.decode()

    change = client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert change.context["original"].pk == obj.pk
    # A record kept as it was (a status report taken to a meeting) is only ever viewed.
    verb = "Change" if model_admin.has_change_permission(change.wsgi_request, obj) else "View"
    assert f"{verb} {name}" in change.content.decode()

    history = client.get(admin_url(model, "history", obj.pk))
    assert history.status_code == 200
    name = model_admin.record_name(obj) if hasattr(model_admin, "record_name") else str(obj)  # core/admin_pages.py
    assert name[:20] in history.content.decode().replace("&#x27;", "'")


def check_search(client, model_admin, factories):
    """Searching the list finds the object by its first searchable value, and nonsense finds nothing."""
    model = model_admin.model
    assert model_admin.search_fields, f"{model.__name__} admin needs search_fields (autocomplete uses them)."
    obj = make_instance(model_admin, factories)
    term = search_term(model_admin, obj)
    found = client.get(admin_url(model, "changelist"), {"q": term})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1
    assert admin_url(model, "change", obj.pk) in found.content.decode()

    nothing = client.get(admin_url(model, "changelist"), {"q": "zzz-no-such-thing"})
    assert nothing.status_code == 200
    assert nothing.context["cl"].result_count == 0


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def check_changelist_query_budget(client, model_admin, factories):
    """The list costs the same number of queries for 2 rows as for 8: no query per row."""
    model = model_admin.model
    for _ in range(2):
        make_instance(model_admin, factories)
    few, few_rows = changelist_queries(client, model)
    for _ in range(6):
        make_instance(model_admin, factories)
    many, many_rows = changelist_queries(client, model)
    assert (few_rows, many_rows) == (2, 8)
    assert many == few, f"{model.__name__} list: {few} queries for 2 rows but {many} for 8"


def check_app_registration(app_label, request):
    """Every model of the app is in the admin, with history where it keeps history, and every field on the form
    but those its admin deliberately leaves off every form (`exclude`)."""
    problems = []
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__.startswith("Historical"):
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            problems.append(f"{model.__name__} is not registered")
            continue
        if hasattr(model, "history") and not isinstance(model_admin, SimpleHistoryAdmin):
            problems.append(f"{model.__name__} keeps history but its admin has no History page")
        shown = set(flatten_fieldsets(model_admin.get_fieldsets(request)))
        shown |= set(model_admin.get_exclude(request) or ())
        editable = {
            field.name
            for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
            if field.editable and not field.auto_created
        }
        if missing := sorted(editable - shown):
            problems.append(f"{model.__name__} admin form leaves out {', '.join(missing)}")
    assert problems == [], problems


def log_in_staff(client, django_user_model, *groups):
    """Log in a staff officer (not a superuser) who has only the given officer groups' permissions."""
    user = django_user_model.objects.create_user(f"staff-{'-'.join(groups) or 'none'}".replace(" ", "-"), is_staff=True)
    chosen = Group.objects.filter(name__in=groups)
    assert chosen.count() == len(groups), "Officer groups come from governance/migrations/0003_officer_groups.py"
    user.groups.set(chosen)
    client.force_login(user)
    return user


def check_autocompletes(client, model_admin, factories):
    """Every autocomplete on the form (and its inlines) answers, and finds an existing record by its name."""
    obj = make_instance(model_admin, factories)
    sources = [model_admin, *(inline(model_admin.model, admin.site) for inline in model_admin.inlines)]
    checked = 0
    for source in sources:
        for field_name in source.autocomplete_fields:
            field = source.model._meta.get_field(field_name)
            target = getattr(obj, field_name, None) if source is model_admin and not field.many_to_many else None
            term = search_term(admin.site._registry[field.related_model], target) if target is not None else ""
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source.model._meta.app_label,
                    "model_name": source.model._meta.model_name,
                    "field_name": field.name,
                    "term": term,
                },
            )
            assert response.status_code == 200, f"{source.model.__name__}.{field_name}"
            if term:
                assert str(target.pk) in [row["id"] for row in response.json()["results"]]
            checked += 1
    return checked
