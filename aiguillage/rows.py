"""Rows of several tables written together: one statement on PostgreSQL, one insert per table elsewhere.

A submission writes a request, its needs, its history and what its emails are built from. As four inserts inside
a transaction, that is seven round trips to PostgreSQL (with BEGIN and COMMIT), each one compiled, sent, parsed
and planned, while the worker waits. `insert_together` sends them as one statement (data-modifying WITH
clauses), which PostgreSQL runs atomically on its own: without a transaction open, no BEGIN or COMMIT either.
Each insert is compiled by Django as `bulk_create` compiles it, and the ids come back with RETURNING.

As with `bulk_create`: `save()` is not called and no signal is sent. A row that others refer to by id (the
request, for its needs) takes its id first with `new_pk`.
"""

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery


def together_in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def new_pk(model: type[Model]) -> int:
    """The id the next row of model takes: drawn from its sequence on PostgreSQL; on SQLite, the one after the
    table's last (inside a transaction, whose writer's lock, taken at BEGIN, keeps it from anyone else)."""
    meta = model._meta
    with connection.cursor() as cursor:
        if together_in_one_statement():
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column])
            return cursor.fetchone()[0]
        if not connection.in_atomic_block:
            raise RuntimeError("new_pk on SQLite is taken inside the transaction that writes the row")
        # AUTOINCREMENT tables keep their highest id ever given here: an id is not given twice, even after a delete.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
        return (row[0] if row else 0) + 1


def insert_together(*groups: Sequence[Model]) -> None:
    """Insert each group's rows (one model a group, in this order, so that a row is written after those it
    refers to), and set their ids."""
    groups = [list(rows) for rows in groups if rows]
    for rows in groups:
        with_pk = rows[0].pk is not None
        if any((row.pk is not None) != with_pk or type(row) is not type(rows[0]) for row in rows):
            raise ValueError("the rows of a group share their model, and all have an id or none has")
    if not groups:
        return
    if not together_in_one_statement():
        with transaction.atomic(savepoint=False):
            for rows in groups:
                type(rows[0])._default_manager.bulk_create(rows)
        return
    clauses, params = [], []
    for rows in groups:
        sql, values = _compiled_insert(rows)
        clauses.append(sql)
        params.extend(values)
    names = [f"q{index}" for index in range(len(clauses))]
    statement = (
        "WITH "
        + ", ".join(f"{name} AS ({sql})" for name, sql in zip(names, clauses, strict=True))
        + " "
        + " UNION ALL ".join(f"(SELECT {index}, * FROM {name})" for index, name in enumerate(names))
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        returned = cursor.fetchall()
    ids: list[list[int]] = [[] for _ in groups]
    for index, pk in returned:
        ids[index].append(pk)
    for rows, pks in zip(groups, ids, strict=True):
        if len(pks) != len(rows):
            raise RuntimeError(f"{len(rows)} rows of {type(rows[0]).__name__} written, {len(pks)} ids returned")
        for row, pk in zip(rows, pks, strict=True):
            row.pk = pk
            row._state.adding = False
            row._state.db = connection.alias


def _compiled_insert(rows: list[Model]) -> tuple[str, list]:
    model = type(rows[0])
    meta = model._meta
    with_pk = rows[0].pk is not None
    fields = [field for field in meta.concrete_fields if with_pk or not field.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, rows)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, values)] = compiler.as_sql()
    return sql, list(values)
