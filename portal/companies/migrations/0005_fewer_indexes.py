from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

tally = import_module("portal.companies.migrations.0004_company_tally")


def restore_sqlite_triggers(apps, schema_editor):
    # SQLite alters a column by copying the table into a new one, which loses its triggers.
    if schema_editor.connection.vendor == "sqlite":
        for sql in tally.SQLITE_DROP + tally.SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("companies", "0004_company_tally"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="company", name="company_count"),
        migrations.AlterField(
            model_name="company",
            name="partner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="companies",
                to="accounts.partner",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
