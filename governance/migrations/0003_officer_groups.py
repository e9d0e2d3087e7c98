"""Create the officer groups, so giving an officer the right access is one tick in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ("view",)
EDIT = ("add", "change", "view")
EDIT_DELETE = ("add", "change", "delete", "view")

PRIORITIES = ["planedition", "commitment", "priority", "theme", "action", "progressupdate"]
SHARED = ["locality", "partnerorganisation"]
MEASURES = ["measure", "reportedvalue"]
GOVERNANCE = [
    "body",
    "membership",
    "meeting",
    "agendaitem",
    "decision",
    "attendance",
    "minutes",
    "document",
    "statutoryduty",
    "keydecision",
]

GROUPS = {
    "Plan editors": [
        ("priorities", PRIORITIES, EDIT_DELETE),
        ("priorities", SHARED, EDIT),
        ("measures", MEASURES, VIEW),
        ("governance", GOVERNANCE, VIEW),
    ],
    "Performance officers": [
        ("measures", ["measure"], EDIT),
        ("measures", ["reportedvalue"], EDIT_DELETE),
        ("priorities", ["action", "progressupdate"], EDIT),
        ("priorities", [m for m in PRIORITIES if m not in ("action", "progressupdate")] + SHARED, VIEW),
        ("governance", GOVERNANCE, VIEW),
    ],
    "Governance officers": [
        ("governance", GOVERNANCE, EDIT_DELETE),
        ("priorities", SHARED, EDIT),
        ("priorities", PRIORITIES, VIEW),
        ("measures", MEASURES, VIEW),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app, f"{action}_{model}") for app, models, actions in grants for model in models for action in actions
        ]
        permissions = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in codenames]
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0002_initial"),
        ("measures", "0001_initial"),
        ("priorities", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
