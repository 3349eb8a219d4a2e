"""What a feed or post page reads about its viewer, in one query (issue 14).

Each of these was a query of its own on every feed page: the members the viewer
does not see (blocks both ways, mutes), whether the viewer follows the page's
neighbourhood, the newest event of the page's live stream (`data-live-since`),
the viewer's unread notifications (the navigation's badge) and what the
viewer may do (`common.trust.capabilities`: sanctions, trust level). Every query
costs the database a parse and a plan and the page a round trip, more than
running them: here they are one statement whose columns are the same queries,
as scalar subqueries, with their own parameters (`feeds.access`,
`follow_sql`, `realtime.queries`, `common.notify`, moderation through
`common.trust`: the SQL is theirs, not copied). The unread count is kept on
the request's user for the badge (`common.notify.remember_unread`): a GET page
changes no notification before it is rendered; the capabilities on the viewer,
as `capabilities` keeps them. On `make run`'s SQLite each is read by its own
function (`_one_by_one`).
"""

import json
from dataclasses import dataclass

from django.db import connection

from common import trust
from common.notify import remember_unread, unread_count, unread_count_sql
from community.models import Member
from feeds.access import hidden_and_blocked, hidden_and_blocked_ids, hidden_kinds_sql
from feeds.queries.posts import follow_sql, follow_state
from realtime.queries import latest_event_id, latest_event_id_sql


@dataclass(frozen=True)
class PageState:
    hidden: set[int]  # authors the viewer does not see (`hidden_author_ids`)
    blocked: set[int]  # blocked either way (`blocked_ids`)
    following: bool | None  # the `follow` asked about, None when not asked
    live_since: int | None  # `latest_event_id` of `stream`, None when not asked
    unread: int  # `common.notify.unread_count`


def read_page_state(
    viewer: Member,
    *,
    stream: str | None = None,
    follow: tuple[str, int] | None = None,
) -> PageState:
    """The viewer's hidden and blocked members, whether they follow `follow`
    (kind, target id), the newest event id of `stream` and their unread count:
    one query. The count is kept for the navigation's badge."""
    if connection.vendor != "postgresql":
        return _one_by_one(viewer, stream, follow)
    hidden_sql, params = hidden_kinds_sql(viewer.pk)
    # The pieces' SQL is their modules' own constants, values are parameters.
    hidden_column = (
        "(SELECT json_agg(json_build_array(k.id, k.is_block))::text"  # noqa: S608
        f" FROM ({hidden_sql}) AS k(id, is_block))"
    )
    columns = [hidden_column]
    for piece, wanted in (
        (follow_sql(viewer.pk, *follow) if follow else None, "EXISTS ({})"),
        (latest_event_id_sql(stream) if stream else None, "({})"),
        (unread_count_sql(viewer.user_id), "({})"),
        (trust.capabilities_column(viewer), "{}"),
    ):
        if piece is None:
            columns.append("NULL")
        else:
            columns.append(wanted.format(piece[0]))
            params.extend(piece[1])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        kinds, following, newest, unread, capabilities = cursor.fetchone()
    hidden, blocked = hidden_and_blocked(json.loads(kinds) if kinds else ())
    remember_unread(viewer.user, unread)
    trust.remember_capabilities(viewer, capabilities)
    return PageState(
        hidden=hidden,
        blocked=blocked,
        following=following,
        live_since=(newest or 0) if stream else None,
        unread=unread,
    )


def _one_by_one(
    viewer: Member, stream: str | None, follow: tuple[str, int] | None
) -> PageState:
    """`read_page_state` on `make run`'s SQLite: each read by its own function."""
    hidden, blocked = hidden_and_blocked_ids(viewer)
    unread = unread_count(viewer.user_id)
    remember_unread(viewer.user, unread)
    trust.capabilities(viewer)
    return PageState(
        hidden=hidden,
        blocked=blocked,
        following=follow_state(viewer, *follow) if follow else None,
        live_since=latest_event_id(stream) if stream else None,
        unread=unread,
    )
