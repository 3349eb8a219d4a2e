"""Rows of written-out SQL turned into what the ORM would have made.

Some hot reads are written out (the town of a host, the member of a request,
a new post's first read: docs/performance.md « Issue 14 »): the ORM spent
more CPU building their queries and objects than the database spent running
them. Their values still go through the fields' converters (SQLite's text
dates, JSON…), so the objects are the ORM's own.
"""

import re

from django.db import connection as default_connection
from django.db.models import Model


def field_converters(fields, connection=default_connection) -> list[list]:
    """Each field's converters, in order (the backend's, then the field's)."""
    out = []
    for field in fields:
        expression = field.get_col(field.model._meta.db_table)
        out.append(
            connection.ops.get_db_converters(expression)
            + expression.get_db_converters(connection)
        )
    return out


def converted(fields, values, connection=default_connection) -> list:
    """The row's values as the ORM gives them."""
    out = []
    for field, value, converters in zip(
        fields, values, field_converters(fields, connection), strict=True
    ):
        expression = field.get_col(field.model._meta.db_table)
        for converter in converters:
            value = converter(value, expression, connection)
        out.append(value)
    return out


def loaded(model: type[Model], fields, values, connection=default_connection):
    """A row as the ORM makes it, or None for the NULLs of a LEFT JOIN that
    found nothing (its primary key, the first value, is NULL)."""
    if values[0] is None:
        return None
    return model.from_db(
        connection.alias,
        [field.attname for field in fields],
        converted(fields, values, connection),
    )


_NAMED = re.compile(r"%\((\w+)\)s")


def positional(sql: str, params: dict) -> tuple[str, list]:
    """A query with named parameters (`%(name)s`) as one with positional ones
    (`%s`) and their values in order: a query of its own that another query
    takes as a subquery among positional pieces."""
    values: list = []

    def one(match: re.Match) -> str:
        values.append(params[match.group(1)])
        return "%s"

    return _NAMED.sub(one, sql), values
