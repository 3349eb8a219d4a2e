"""What `check_create_post` reads before it writes, in one query (issue 14).

A new post's live frame leaves only after every statement before it: on the
bench machine each round trip to PostgreSQL cost more wall time than its CPU,
and building three small ORM queries cost more CPU than running them. So the
client key's post, the author's référent role (the live card shows its badge)
and the chosen neighbourhood of the author's town are read by one written-out
query (table and column names from the models, values as parameters), the rows
made into model objects as the ORM makes them (`Model.from_db` with the
database's converters). tests/feeds/test_new_post_reads.py compares the answers
with the ORM's.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from community.models import Member, Neighbourhood, Referent
from community.rows import loaded
from feeds.models import Post

_REFERENT_FIELDS = Referent._meta.concrete_fields
_NEIGHBOURHOOD_FIELDS = Neighbourhood._meta.concrete_fields


def _columns(alias: str, fields) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in fields)


_SQL = """
SELECT
  (SELECT p."{post_id}" FROM "{post}" p
   WHERE p."{post_author}" = %(author)s AND p."{post_key}" = %(key)s
   LIMIT 1) AS existing_id,
  {{next_id}} AS next_id,
  {referent_columns},
  {neighbourhood_columns}
FROM (SELECT 1 AS one) AS one
LEFT JOIN "{referent}" r ON r."{referent_member}" = %(author)s
LEFT JOIN "{neighbourhood}" n
  ON n."{neighbourhood_id}" = %(neighbourhood)s AND n."{neighbourhood_town}" = %(town)s
""".format(  # noqa: S608 (names from the models, values as parameters)
    post=Post._meta.db_table,
    post_id=Post._meta.pk.column,
    post_author=Post._meta.get_field("author").column,
    post_key=Post._meta.get_field("client_key").column,
    referent=Referent._meta.db_table,
    referent_member=Referent._meta.get_field("member").column,
    referent_columns=_columns("r", _REFERENT_FIELDS),
    neighbourhood=Neighbourhood._meta.db_table,
    neighbourhood_id=Neighbourhood._meta.pk.column,
    neighbourhood_town=Neighbourhood._meta.get_field("town").column,
    neighbourhood_columns=_columns("n", _NEIGHBOURHOOD_FIELDS),
)
# PostgreSQL gives the new post its id now: its live card, which names it, is
# then rendered before the one statement that writes the post and its events
# (realtime.rows.publish_new_row). A post refused or stored earlier leaves
# a hole in the ids, as a rolled-back insert does.
_POST_TABLE, _POST_ID = Post._meta.db_table, Post._meta.pk.column
_NEXT_ID = {
    "postgresql": f"nextval(pg_get_serial_sequence('\"{_POST_TABLE}\"', '{_POST_ID}'))"
}


@dataclass(frozen=True)
class BeforePost:
    existing_id: int | None  # the post this client key stored already
    next_id: int | None  # an id for the new post (PostgreSQL), else None
    referent: Referent | None  # the author's référent role, active or not
    neighbourhood: Neighbourhood | None  # the one asked for, if of the town


def _loaded(model: type[Model], fields, values) -> Model | None:
    """A row as the ORM makes it (community.rows), None for a LEFT JOIN's NULLs."""
    return loaded(model, fields, values, connection)


def read_before_post(
    author: Member, client_key: str, neighbourhood_id: int | None
) -> BeforePost:
    """The existing post of this client key, an id for a new one (PostgreSQL),
    the author's référent role and the neighbourhood `neighbourhood_id` if it
    is in the author's town: one query."""
    sql = _SQL.format(next_id=_NEXT_ID.get(connection.vendor, "NULL"))
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "author": author.pk,
                "key": client_key,
                "neighbourhood": neighbourhood_id,
                "town": author.town_id,
            },
        )
        row = cursor.fetchone()
    referent_end = 2 + len(_REFERENT_FIELDS)
    referent = _loaded(Referent, _REFERENT_FIELDS, row[2:referent_end])
    if referent is not None:
        # As `select_related("referent")` leaves it: the role knows its member.
        Referent._meta.get_field("member").set_cached_value(referent, author)
    return BeforePost(
        existing_id=row[0],
        next_id=row[1],
        referent=referent,
        neighbourhood=_loaded(Neighbourhood, _NEIGHBOURHOOD_FIELDS, row[referent_end:]),
    )
