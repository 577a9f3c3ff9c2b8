"""The usage figures keyed by (company, product, day) alone, without a surrogate id: Django
cannot change a table's primary key in place, so the figures are copied aside, the table made
anew and the figures copied back, in one transaction."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = "company_id, product_id, day, in_use, reported_at, report_id"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_price_in_force_from"),
        ("companies", "0020_active_by_company"),
        ("usage", "0005_usage_report_due"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TABLE usage_figure_aside AS SELECT {COLUMNS} FROM usage_usagefigure",
            migrations.RunSQL.noop,
        ),
        migrations.DeleteModel(name="UsageFigure"),
        migrations.CreateModel(
            name="UsageFigure",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "company",
                        "product",
                        "day",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="companies.company",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.product",
                    ),
                ),
                ("day", models.DateField()),
                ("in_use", models.PositiveIntegerField()),
                ("reported_at", models.DateTimeField()),
                (
                    "report",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="usage.usagereport",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            f"INSERT INTO usage_usagefigure ({COLUMNS}) SELECT {COLUMNS} FROM usage_figure_aside",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL("DROP TABLE usage_figure_aside", migrations.RunSQL.noop),
    ]
