"""The officer groups are jobs, and kcpp/rules.py decides what each may do: the groups keep no Django
permissions of their own (one source of truth), and the two new jobs, Leads and Publishers, exist."""

from importlib import import_module

from django.db import migrations

JOBS = ["Plan editors", "Performance officers", "Leads", "Publishers", "Governance officers"]


def jobs_by_rules(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in JOBS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.clear()


def permissions_back(apps, schema_editor):
    """Going back, the three first groups get their permissions from migration 0003 again; the new go."""
    apps.get_model("auth", "Group").objects.filter(name__in=["Leads", "Publishers"]).delete()
    import_module("governance.migrations.0003_officer_groups").create_groups(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0007_documents_are_ordinary_papers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(jobs_by_rules, permissions_back)]
