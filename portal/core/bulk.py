"""Writing many rows at once, below the ORM: COPY on PostgreSQL, executemany on SQLite.

For imports of 100,000s of rows, where building a model instance and compiling SQL per row
costs more than the database's own work. The caller passes plain values in column order.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows, so that rows referring to them can be written too.

    Call inside the transaction that inserts them. SQLite takes its write lock when that
    transaction begins (``transaction_mode="IMMEDIATE"``), so nobody else can take these ids.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({model._meta.pk.column}), 0) FROM {table}")
        start = cursor.fetchone()[0]
    return list(range(start + 1, start + count + 1))


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def in_list(column: str, values: Sequence) -> tuple[str, list]:
    """``column IN (values)`` as SQL with a single parameter, however many the values.

    An IN with one placeholder per value needs chunks of a few hundred (SQLite's limit on
    parameters) and costs the driver time per placeholder; one array (PostgreSQL) or one JSON
    document (SQLite) does the same in one statement.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]
