"""Writing many rows at once, below the ORM: COPY on PostgreSQL, executemany on SQLite.

For imports of 100,000s of rows, where building a model instance and compiling SQL per row
costs more than the database's own work. The caller passes plain values in column order.
``rows_update`` is the scheduled jobs' set-based UPDATE of many rows, each with values of its
own (``bulk_update``'s CASE per row and field costs seconds per thousand rows, in Python and in
the database alike).
"""

import datetime
import json
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections
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


# Fields whose Python value psycopg writes as the column wants it, as get_db_prep_save would.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def objects_insert(objs: Sequence[Model], *, ids: bool = False) -> None:
    """``bulk_create`` for a scheduled job's batch, through ``insert_rows``: on PostgreSQL
    Django's ``INSERT ... UNNEST`` quotes every value of its arrays in Python (seconds for
    10,000 provisioning requests' JSON), where COPY hands them over as they are. ``ids``:
    primary keys are reserved and set on the objects first (``reserve_ids``), for rows that
    refer to them. No signals, as with ``bulk_create``. Call inside the caller's transaction."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: its every attribute is a look-up
    model = type(objs[0])
    meta = model._meta
    if ids:
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    fields = [
        field
        for field in meta.concrete_fields
        if not field.generated and (field is not meta.pk or objs[0].pk is not None)
    ]
    # Each field's value as the database takes it; on PostgreSQL plain values (text, numbers,
    # dates, ids) go to COPY as they are, which saves a third of a batch's Python time.
    plain = PLAIN if db.vendor == "postgresql" else ()
    fields_prepared = [
        (field, field.get_internal_type() not in plain and field.get_db_prep_save)
        for field in fields
    ]
    insert_rows(
        model,
        [field.column for field in fields],
        (
            [
                prepare(field.pre_save(obj, True), db) if prepare else field.pre_save(obj, True)
                for field, prepare in fields_prepared
            ]
            for obj in objs
        ),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db.alias


BIGINT = 2**63  # PostgreSQL's bigint holds -BIGINT to BIGINT - 1


def in_list(column: str, values: Sequence) -> tuple[str, list]:
    """``column IN (values)`` as SQL with a single parameter, however many the values.

    An IN with one placeholder per value needs chunks of a few hundred (SQLite's limit on
    parameters) and costs the driver time per placeholder; one array (PostgreSQL) or one JSON
    document (SQLite) does the same in one statement.
    """
    if connection.vendor == "postgresql":
        if all(type(value) is int and -BIGINT <= value < BIGINT for value in values):
            # Written out as the array's text: psycopg's list adapter costs ~2 µs a value.
            return f"{column} = ANY(%s::bigint[])", [int_array(values)]
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]


def int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array's text for whole numbers (``{1,2,3}``), to be cast ``::bigint[]``."""
    return "{" + json.dumps(list(values))[1:-1] + "}"  # C-fast: "[1, 2]" → "{1, 2}"


def rows_update(model, fields: list[str], rows: list, *, also: dict | None = None) -> None:
    """Many rows, each with values of its own, in one UPDATE: ``rows`` are ``[pk, value of
    each of fields]``; ``also`` sets fields to one value on every row. In the caller's
    transaction.

    On PostgreSQL the rows go as one JSON document (``json_to_recordset``): as thousands of
    parameters each is quoted in Python and the query split at each one, seconds for a
    renewal run's 10,000 customers. On SQLite, a list of VALUES in chunks within its limit of
    parameters."""
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: its every attribute is a look-up
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    constants = [(meta.get_field(name), value) for name, value in (also or {}).items()]
    quote = db.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = [quote(field.column) for field in targets]
    sets = [f"{column} = v.{column}" for column in columns]
    sets += [f"{quote(field.column)} = %s" for field, _ in constants]
    fixed = [field.get_db_prep_save(value, db) for field, value in constants]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            types = ", ".join(
                f"{quote(field.column)} {field.cast_db_type(db)}" for field in targets
            )
            document = json.dumps(
                [
                    dict(zip(["id", *(f.column for f in targets)], values, strict=True))
                    for values in rows
                ],
                default=_json_value,
            )
            cursor.execute(
                f"UPDATE {table} SET {', '.join(sets)} FROM json_to_recordset(%s::json) "
                f"AS v(id bigint, {types}) WHERE {table}.{pk} = v.id",
                [*fixed, document],
            )
            return
        size = max(1, 30_000 // (len(fields) + 1))
        row = f"({', '.join(['%s'] * (len(fields) + 1))})"
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [
                value if i == 0 else targets[i - 1].get_db_prep_save(value, db)
                for values in chunk
                for i, value in enumerate(values)
            ]
            cursor.execute(
                f"WITH v (id, {', '.join(columns)}) AS (VALUES {', '.join([row] * len(chunk))}) "
                f"UPDATE {table} SET {', '.join(sets)} FROM v WHERE {table}.{pk} = v.id",
                [*params, *fixed],
            )


def _json_value(value):
    """A date, a moment (to the microsecond), a decimal or a UUID as PostgreSQL reads it."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")
