"""PostgreSQL only: a trigram index so that "part of the name" searches read an index.

SQLite has no such index type; there the search scans the partner's rows, which is fine at
the embedded default's size.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    # Matches Django's icontains, UPPER("name"::text) LIKE UPPER(...), within one partner.
    "CREATE INDEX IF NOT EXISTS company_name_trgm ON companies_company "
    "USING gin (partner_id, (UPPER(name::text)) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS company_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
