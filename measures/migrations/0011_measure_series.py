"""Each measure's series of figures: the measures carried from one another into later editions share one.

`link_series` gives each chain of measures (`carried_from` followed back to a measure carried from none) a
series of its own, and each measure its place in it (its generation); their history rows take their
measure's, and so does each reported value.
"""

import uuid

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

SERIES_HELP = (
    "The series of figures the measure belongs to: the same for a measure and its copies carried into later "
    "editions, which carry on its figures."
)
GENERATION_HELP = "How many editions the series had before this measure's: 0 for a measure not carried from another."
VALUE_SERIES_HELP = "Its measure's series of figures."
VALUE_GENERATION_HELP = "Its measure's generation in the series."


def link_series(apps, schema_editor):
    Measure = apps.get_model("measures", "Measure")
    HistoricalMeasure = apps.get_model("measures", "HistoricalMeasure")
    ReportedValue = apps.get_model("measures", "ReportedValue")
    carried_from = dict(Measure.objects.values_list("pk", "carried_from_id"))
    placed = {}  # pk: (series, generation)
    for measure in carried_from:
        # Back along the chain to a measure already placed, or past the first of it.
        chain, earlier = [], measure
        while earlier is not None and earlier not in placed and earlier not in chain:
            chain.append(earlier)
            earlier = carried_from.get(earlier)
        series, generation = placed[earlier] if earlier in placed else (uuid.uuid4(), -1)
        for pk in reversed(chain):
            generation += 1
            placed[pk] = (series, generation)
    measures = [Measure(pk=pk, series=series, generation=generation) for pk, (series, generation) in placed.items()]
    Measure.objects.bulk_update(measures, ["series", "generation"], batch_size=500)
    of_measure = Measure.objects.filter(pk=OuterRef("id"))
    HistoricalMeasure.objects.update(
        series=Coalesce(Subquery(of_measure.values("series")[:1]), "series"),
        generation=Coalesce(Subquery(of_measure.values("generation")[:1]), "generation"),
    )
    of_value = Measure.objects.filter(pk=OuterRef("measure"))
    ReportedValue.objects.update(
        series=Subquery(of_value.values("series")[:1]), generation=Subquery(of_value.values("generation")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0010_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeasure",
            name="generation",
            field=models.PositiveSmallIntegerField(default=0, editable=False, help_text=GENERATION_HELP),
        ),
        migrations.AddField(
            model_name="historicalmeasure",
            name="series",
            field=models.UUIDField(default=uuid.uuid4, editable=False, help_text=SERIES_HELP),
        ),
        migrations.AddField(
            model_name="measure",
            name="generation",
            field=models.PositiveSmallIntegerField(default=0, editable=False, help_text=GENERATION_HELP),
        ),
        migrations.AddField(
            model_name="measure",
            name="series",
            field=models.UUIDField(default=uuid.uuid4, editable=False, help_text=SERIES_HELP),
        ),
        migrations.AddField(
            model_name="reportedvalue",
            name="series",
            field=models.UUIDField(null=True, editable=False, help_text=VALUE_SERIES_HELP),
        ),
        migrations.AddField(
            model_name="reportedvalue",
            name="generation",
            field=models.PositiveSmallIntegerField(null=True, editable=False, help_text=VALUE_GENERATION_HELP),
        ),
        migrations.RunPython(link_series, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="reportedvalue",
            name="series",
            field=models.UUIDField(editable=False, help_text=VALUE_SERIES_HELP),
        ),
        migrations.AlterField(
            model_name="reportedvalue",
            name="generation",
            field=models.PositiveSmallIntegerField(editable=False, help_text=VALUE_GENERATION_HELP),
        ),
        migrations.AddIndex(
            model_name="reportedvalue",
            index=models.Index(fields=["series", "period_end", "period_start"], name="value_series_period"),
        ),
    ]
