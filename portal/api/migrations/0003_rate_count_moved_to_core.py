# The rate counts are core's now (core 0004 took over the table as it is).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_rate_count"),
        ("core", "0004_ratecount"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateCount")],
        ),
    ]
