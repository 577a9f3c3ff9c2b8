# The rate counts move from the api app to core (accounts counts e-mails with them too); the
# table stays as it is: only Django's record of which app owns it changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_workerbeat"),
        ("api", "0002_rate_count"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("who", models.CharField(max_length=100)),
                        ("window_start", models.BigIntegerField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "api_ratecount",
                        "indexes": [
                            models.Index(fields=["window_start"], name="rate_count_window_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("who", "window_start"), name="rate_count_unique"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
