"""An action's status comes from its latest progress update: the status stored on the action goes.

Nothing an officer entered is lost. Before the field goes, a status stored on an action that its
latest progress update does not already say (or any status stored on an action without updates) is
kept as a progress update dated the day the action last changed, with a commentary saying where it
came from. Where the action changed on or after its latest update's date, that kept update becomes
the latest, so the action shows the same status as before. "No update yet" is only what an action
starts with, not a status anyone reports, so it is never made into an update.
"""

from django.db import migrations, models
from django.utils import timezone

COMMENTARY = "Status recorded on the action before an action's status came from its progress updates."
CHANGE_REASON = "Kept from the status recorded on the action"
NO_UPDATE = "no_update"


def latest_status(ProgressUpdate, action):
    latest = ProgressUpdate.objects.filter(action=action).order_by("-date", "-pk").first()
    return latest.status if latest else NO_UPDATE


def keep_statuses_as_updates(apps, schema_editor):
    """Make each action's stored status, where its latest update does not say it, a progress update."""
    Action = apps.get_model("priorities", "Action")
    ProgressUpdate = apps.get_model("priorities", "ProgressUpdate")
    HistoricalProgressUpdate = apps.get_model("priorities", "HistoricalProgressUpdate")
    now = timezone.now()
    for action in Action.objects.exclude(status=NO_UPDATE).order_by("pk"):
        if action.status == latest_status(ProgressUpdate, action):
            continue
        update = ProgressUpdate.objects.create(
            action=action,
            date=timezone.localdate(action.updated_at),
            status=action.status,
            commentary=COMMENTARY,
        )
        # The audit trail shows where the update came from, as it does for one an officer adds.
        HistoricalProgressUpdate.objects.create(
            id=update.pk,
            action_id=action.pk,
            date=update.date,
            status=update.status,
            commentary=update.commentary,
            reported_by=update.reported_by,
            history_date=now,
            history_type="+",
            history_change_reason=CHANGE_REASON,
        )


def copy_latest_status_back(apps, schema_editor):
    """Reverse: each action's stored status is its latest update's again (without touching `updated_at`)."""
    Action = apps.get_model("priorities", "Action")
    ProgressUpdate = apps.get_model("priorities", "ProgressUpdate")
    for action in Action.objects.order_by("pk"):
        Action.objects.filter(pk=action.pk).update(status=latest_status(ProgressUpdate, action))


STATUS_CHOICES = [
    ("no_update", "No update yet"),
    ("not_started", "Not started"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("delayed", "Delayed"),
    ("completed", "Completed"),
]
STATUS_HELP = "The action's status at that date. The latest update's status is the action's status."


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0002_editors_notes"),
    ]

    operations = [
        migrations.RunPython(keep_statuses_as_updates, copy_latest_status_back),
        migrations.RemoveField(
            model_name="action",
            name="status",
        ),
        migrations.RemoveField(
            model_name="historicalaction",
            name="status",
        ),
        migrations.AlterField(
            model_name="historicalprogressupdate",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, help_text=STATUS_HELP, max_length=20),
        ),
        migrations.AlterField(
            model_name="progressupdate",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, help_text=STATUS_HELP, max_length=20),
        ),
    ]
