"""Reads of posts and comments, each scoped to the viewer's town and blocks."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.domains import DomainsFirst
from community.models import Member, Neighbourhood, TownPage
from community.queries import member_of
from community.rows import loaded
from feeds.access import blocked_ids, hidden_author_ids
from feeds.models import (
    Block,
    Comment,
    ContentState,
    Follow,
    FollowKind,
    Mute,
    Post,
    PostImage,
    PostTarget,
    Reaction,
    ReactionKind,
)
from feeds.queries.post_cards import post_cards, walk_cards

# Members followed as people: ambassadors are members too (FollowKind.AMBASSADOR
# holds the ambassador's member id).
PEOPLE_KINDS = (FollowKind.MEMBER, FollowKind.AMBASSADOR)
# « Mon fil » puts the household's domains first among this many last days'
# posts only: older posts of those domains keep their place by date, so that a
# months-old post does not sit above this morning's (docs/feeds.md).
DOMAINS_FIRST_DAYS = 14


@dataclass
class FeedPage:
    """One page of a list, newest first, and the cursor of the next one."""

    items: list[Any]
    next_cursor: str | None


def member_for(user: Any, town: TownPage | None) -> Member | None:
    """The signed-in user's member profile in this town, or None."""
    if town is None or not user.is_authenticated:
        return None
    # The member looked up once per request (the context processor asks too).
    member = member_of(user)
    if member is None or member.town_id != town.pk:
        return None
    return member


def blocked_q(viewer: Member, field: str = "author") -> Q:
    """Rows whose `field` member blocked the viewer or was blocked by them."""
    return Q(
        **{f"{field}__in": Block.objects.filter(blocker=viewer).values("blocked")}
    ) | Q(**{f"{field}__in": Block.objects.filter(blocked=viewer).values("blocker")})


def hidden_q(viewer: Member, field: str = "author") -> Q:
    """Rows by members the viewer blocked, muted or is blocked by (subqueries)."""
    muted = Mute.objects.filter(muter=viewer).values("muted")
    return blocked_q(viewer, field) | Q(**{f"{field}__in": muted})


def encode_cursor(created_at: datetime, pk: int) -> str:
    micros = int(created_at.timestamp() * 1_000_000)
    return f"{micros}.{pk}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """The (created_at, id) a cursor names; None for a missing or garbled one."""
    if not raw:
        return None
    try:
        micros, pk = raw.split(".", 1)
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        return moment, int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def keyset_page(queryset: QuerySet, cursor: str | None, size: int) -> FeedPage:
    """Newest first on (created_at, id), after the cursor: no OFFSET. The
    items are (pk, created_at) rows: `_page` reads the cards of those ids."""
    position = decode_cursor(cursor)
    if position is not None:
        created_at, pk = position
        queryset = queryset.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk)
        )
    rows = list(
        queryset.prefetch_related(None)
        .order_by("-created_at", "-id")
        .values_list("pk", "created_at", named=True)[: size + 1]
    )
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].pk)
    return FeedPage(items=rows, next_cursor=next_cursor)


def first_then_rest_page(
    queryset: QuerySet, cursor: str | None, size: int, first: Q
) -> FeedPage:
    """The rows matching `first` newest first, then the others newest first.

    Two keyset walks, each on the feed's own index order and stopping at the
    page's size, rather than one ORDER BY on a CASE, which sorted every row of
    the feed (50,000 posts: 130 ms a page instead of 12). The cursor says which
    walk it is in: `0:<created_at>.<id>` or `1:<created_at>.<id>` (`1:` alone:
    the second walk from its start). At most two queries of posts a page.
    """
    head, _sep, tail = (cursor or "").partition(":")
    rows: list = []
    if head != "1":
        firsts = keyset_page(
            queryset.filter(first), tail if head == "0" else None, size
        )
        if firsts.next_cursor is not None:
            return FeedPage(firsts.items, f"0:{firsts.next_cursor}")
        rows, tail = firsts.items, ""
    rest = queryset.exclude(first)
    if len(rows) == size:
        # The first walk ended on a full page: the second starts on the next.
        return FeedPage(rows, "1:" if rest.exists() else None)
    others = keyset_page(rest, tail or None, size - len(rows))
    next_cursor = f"1:{others.next_cursor}" if others.next_cursor else None
    return FeedPage(rows + others.items, next_cursor)


def _published(viewer: Member) -> QuerySet[Post]:
    return Post.objects.filter(town_id=viewer.town_id, state=ContentState.PUBLISHED)


def _posts(viewer: Member) -> QuerySet[Post]:
    return (
        _published(viewer)
        # The author's référent role (badge) rides along: no extra query.
        .select_related("author__referent", "neighbourhood")
        .prefetch_related(
            Prefetch("images", queryset=PostImage.objects.order_by("position"))
        )
    )


def decorate_posts(posts: list[Post], viewer: Member | None) -> list[Post]:
    """Attach grouped reaction counts (and the viewer's own) in one query."""
    ids = [post.pk for post in posts]
    counts: dict[tuple[int, str], int] = {}
    mine: set[tuple[int, str]] = set()
    if ids:
        counted = {"n": Count("id")}
        if viewer is not None:
            counted["mine"] = Count("id", filter=Q(member=viewer))
        rows = (
            Reaction.objects.filter(post_id__in=ids)
            .order_by()
            .values("post_id", "kind")
            .annotate(**counted)
        )
        for row in rows:
            counts[(row["post_id"], row["kind"])] = row["n"]
            if row.get("mine"):
                mine.add((row["post_id"], row["kind"]))
    for post in posts:
        post.reaction_list = _reaction_list(post.pk, counts, mine)
    return posts


def _reaction_list(
    pk: int, counts: dict[tuple[int, str], int], mine: set[tuple[int, str]]
) -> list[dict]:
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "count": counts.get((pk, kind.value), 0),
            "mine": (pk, kind.value) in mine,
        }
        for kind in ReactionKind
    ]


def decorate_new_post(post: Post, images: list[PostImage]) -> Post:
    """`decorate_posts` of a post created in the current transaction, and its
    pictures, without reading them back (its live card is rendered before the
    commit: issue 14).

    No reaction can be read yet: a reaction row needs the post's row, which no
    other transaction sees before the commit, so the reactions query would
    always count none. The pictures are the rows just written (`images`), given
    to the relation as a prefetch would, in the relation's order (position).
    """
    post.reaction_list = _reaction_list(post.pk, {}, set())
    pictures = post.images.all()
    pictures._result_cache = sorted(images, key=lambda image: image.position)
    pictures._prefetch_done = True
    post._prefetched_objects_cache = {
        **getattr(post, "_prefetched_objects_cache", {}),
        "images": pictures,
    }
    return post


def _not_hidden(
    queryset: QuerySet, viewer: Member, hidden: set[int] | None
) -> QuerySet:
    """Without the authors the viewer does not see: `hidden` when the caller read
    them already (`feeds.access.hidden_author_ids`, for its page), else
    subqueries."""
    if hidden is None:
        return queryset.exclude(hidden_q(viewer))
    return queryset.exclude(author_id__in=hidden)


def _page(
    queryset: QuerySet,
    viewer: Member,
    cursor: str | None,
    hidden: set[int] | None = None,
    first: Q | None = None,
) -> FeedPage:
    # A tip's discussion is shown on the tip page, never in a feed.
    queryset = _not_hidden(queryset, viewer, hidden).exclude(target=PostTarget.TIP)
    size = settings.SMARTCITIZEN["FEED_PAGE_SIZE"]
    if first is None:
        page = keyset_page(queryset, cursor, size)
    else:
        page = first_then_rest_page(queryset, cursor, size, first)
    # The cards of the page's posts in one query (feeds/queries/post_cards.py).
    cards = post_cards([row.pk for row in page.items], viewer.pk)
    page.items = [cards[row.pk] for row in page.items if row.pk in cards]
    return page


def _walked_page(
    viewer: Member,
    cursor: str | None,
    hidden: set[int] | None,
    neighbourhood_id: int | None = None,
) -> FeedPage:
    """`_page` of the town's (or a neighbourhood's) feed, walked and read in
    one written-out query (feeds/queries/post_cards.py `walk_cards`)."""
    size = settings.SMARTCITIZEN["FEED_PAGE_SIZE"]
    cards = walk_cards(
        town_id=viewer.town_id,
        viewer_id=viewer.pk,
        hidden=hidden_author_ids(viewer) if hidden is None else hidden,
        limit=size + 1,
        neighbourhood_id=neighbourhood_id,
        before=decode_cursor(cursor),
    )
    next_cursor = None
    if len(cards) > size:
        cards = cards[:size]
        next_cursor = encode_cursor(cards[-1].created_at, cards[-1].pk)
    return FeedPage(items=cards, next_cursor=next_cursor)


def town_feed(
    viewer: Member, cursor: str | None = None, *, hidden: set[int] | None = None
) -> FeedPage:
    """Everything published in the viewer's town."""
    return _walked_page(viewer, cursor, hidden)


def neighbourhood_feed(
    viewer: Member,
    neighbourhood: Neighbourhood,
    cursor: str | None = None,
    *,
    hidden: set[int] | None = None,
) -> FeedPage:
    """Everything published to one neighbourhood of the viewer's town."""
    return _walked_page(viewer, cursor, hidden, neighbourhood.pk)


def challenge_feed(
    viewer: Member, challenge_id: int, cursor: str | None = None
) -> FeedPage:
    """Everything published to one challenge (for the challenge page)."""
    return _page(_posts(viewer).filter(challenge_id=challenge_id), viewer, cursor)


def my_feed(
    viewer: Member,
    cursor: str | None = None,
    *,
    hidden: set[int] | None = None,
    prefs: DomainsFirst | None = None,
) -> FeedPage:
    """ "Mon fil": the viewer's posts and those of what they follow; with
    `prefs` active, the last days' posts of the household's domains first."""
    follows = Follow.objects.filter(follower=viewer)
    people = follows.filter(kind__in=PEOPLE_KINDS).values("target_id")
    places = follows.filter(kind=FollowKind.NEIGHBOURHOOD).values("target_id")
    challenges = follows.filter(kind=FollowKind.CHALLENGE).values("target_id")
    wanted = (
        Q(author=viewer)
        | Q(author_id__in=people)
        | Q(neighbourhood_id__in=places)
        | Q(challenge_id__in=challenges)
    )
    first = None
    if prefs is not None and prefs.active:
        since = timezone.now() - timedelta(days=DOMAINS_FIRST_DAYS)
        first = prefs.matches("domain", created_at__gte=since)
    return _page(_posts(viewer).filter(wanted), viewer, cursor, hidden, first)


def my_feed_live_match(viewer: Member) -> dict[str, list[int]]:
    """What "Mon fil" keeps of its town's live posts (live.js `data-live-match`).

    The page listens to `town:<id>`, where every post of the town is published
    and which the viewer may read, and keeps the posts `my_feed` would list: by
    the viewer or someone they follow, or in a neighbourhood or challenge they
    follow. One query; mutes and blocks are applied by feeds.js as on every feed.
    """
    match: dict[str, list[int]] = {
        "author_id": [viewer.pk],
        "neighbourhood_id": [],
        "challenge_id": [],
    }
    keys = {
        FollowKind.NEIGHBOURHOOD: "neighbourhood_id",
        FollowKind.CHALLENGE: "challenge_id",
    }
    for kind, target_id in Follow.objects.filter(follower=viewer).values_list(
        "kind", "target_id"
    ):
        key = "author_id" if kind in PEOPLE_KINDS else keys.get(kind)
        if key is not None:
            match[key].append(target_id)
    return match


def member_posts(viewer: Member, author: Member, cursor: str | None = None) -> FeedPage:
    """A member's published posts, for their public profile."""
    return _page(_posts(viewer).filter(author=author), viewer, cursor)


def access_neighbourhood(viewer: Member, slug: str) -> Neighbourhood:
    """A neighbourhood of the viewer's town by slug, or 404."""
    # Written out (community.rows): every neighbourhood page asks, and the ORM
    # spent more CPU building the query than the database spent running it.
    with connection.cursor() as cursor:
        cursor.execute(_NEIGHBOURHOOD_SQL, [viewer.town_id, slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return loaded(Neighbourhood, _NEIGHBOURHOOD_FIELDS, row, connection)


_NEIGHBOURHOOD_FIELDS = Neighbourhood._meta.concrete_fields
_NEIGHBOURHOOD_SQL = (  # noqa: S608 (names from the model, values as parameters)
    'SELECT {columns} FROM "{table}" WHERE {town} = %s AND {slug} = %s LIMIT 1'
).format(
    columns=", ".join(f'"{field.column}"' for field in _NEIGHBOURHOOD_FIELDS),
    table=Neighbourhood._meta.db_table,
    town=Neighbourhood._meta.get_field("town").column,
    slug=Neighbourhood._meta.get_field("slug").column,
)


def access_member(viewer: Member, member_id: int) -> Member:
    """Another member's public profile: same town, no block either way; else 404."""
    member = (
        Member.objects.filter(pk=member_id, town_id=viewer.town_id)
        .select_related("referent")
        .exclude(blocked_q(viewer, field="pk"))
        .first()
    )
    if member is None:
        raise Http404
    return member


def access_post(
    viewer: Member,
    post_id: int,
    *,
    for_update: bool = False,
    blocked: set[int] | None = None,
    card: bool = True,
) -> Post:
    """A published post the viewer may see (same town, no block), or 404.
    `blocked`: the viewer's `blocked_ids`, when the caller read them already.
    `card=False`: the post's row only, without its author, neighbourhood and
    pictures (a caller that reads its card by `post_cards`)."""
    # The blocked ids read first (one written-out query): the two subqueries
    # of `blocked_q` cost more CPU to build than to run (issue 14).
    if blocked is None:
        blocked = blocked_ids(viewer)
    if not card and not for_update and connection.vendor == "postgresql":
        return _post_row(viewer, post_id, blocked)
    queryset = _posts(viewer) if card else _published(viewer)
    queryset = queryset.filter(pk=post_id)
    if blocked:
        queryset = queryset.exclude(author_id__in=blocked)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    post = queryset.first()
    if post is None:
        raise Http404
    return post


def _post_row(viewer: Member, post_id: int, blocked: set[int]) -> Post:
    """`access_post(card=False)` written out (the post page asks on every
    read: the ORM spent more CPU building the query than running it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _POST_ROW_SQL,
            {
                "post": post_id,
                "town": viewer.town_id,
                "published": ContentState.PUBLISHED.value,
                "blocked": sorted(blocked),
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return loaded(Post, _POST_FIELDS, row, connection)


_POST_FIELDS = Post._meta.concrete_fields
_POST_ROW_SQL = (  # noqa: S608 (names from the model, values as parameters)
    'SELECT {columns} FROM "{table}" WHERE {pk} = %(post)s AND {town} = %(town)s'
    " AND {state} = %(published)s AND NOT ({author} = ANY(%(blocked)s))"
).format(
    columns=", ".join(f'"{field.column}"' for field in _POST_FIELDS),
    table=Post._meta.db_table,
    pk=Post._meta.pk.column,
    town=Post._meta.get_field("town").column,
    state=Post._meta.get_field("state").column,
    author=Post._meta.get_field("author").column,
)


def post_comments(
    viewer: Member, post: Post, *, hidden: set[int] | None = None
) -> list[Comment]:
    """Published comments of a post, replies under their comment, in one query."""
    published = Comment.objects.filter(post=post, state=ContentState.PUBLISHED)
    comments = list(
        _not_hidden(published, viewer, hidden)
        .select_related("author__referent")
        .order_by("created_at", "id")
    )
    top: dict[int, Comment] = {}
    for comment in comments:
        comment.reply_list = []
        if comment.parent_id is None:
            top[comment.pk] = comment
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in top:
            top[comment.parent_id].reply_list.append(comment)
    return list(top.values())


def follow_state(viewer: Member, kind: str, target_id: int) -> bool:
    # Written out: asked on every neighbourhood page (issue 14).
    with connection.cursor() as cursor:
        cursor.execute(*follow_sql(viewer.pk, kind, target_id))
        return cursor.fetchone() is not None


def follow_sql(member_id: int, kind: str, target_id: int) -> tuple[str, list]:
    """`follow_state`'s query (a row when following) and its parameters."""
    return _FOLLOW_SQL, [member_id, str(kind), target_id]


_FOLLOW_SQL = (
    f'SELECT 1 FROM "{Follow._meta.db_table}"'  # noqa: S608 (names from the model)
    " WHERE follower_id = %s AND kind = %s AND target_id = %s LIMIT 1"
)


def relation_to(viewer: Member, other: Member) -> dict[str, bool]:
    """Whether the viewer follows, mutes or blocks another member (three queries)."""
    return {
        "follows": follow_state(viewer, FollowKind.MEMBER, other.pk),
        "mutes": Mute.objects.filter(muter=viewer, muted=other).exists(),
        "blocks": Block.objects.filter(blocker=viewer, blocked=other).exists(),
    }


def recent_posts_by(viewer: Member, author: Member, limit: int = 5) -> list[Post]:
    """A member's latest published posts, for a page beside the feeds (no cursor).

    Scoped like the feeds: the viewer's town, nothing by a member the viewer
    blocked, muted or is blocked by. Four queries whatever the number of posts:
    the posts, their images, reaction counts and the viewer's reactions.
    """
    posts = list(
        _posts(viewer)
        .filter(author=author)
        .exclude(hidden_q(viewer))
        .exclude(target=PostTarget.TIP)
        .order_by("-created_at", "-id")[:limit]
    )
    return decorate_posts(posts, viewer)


def follows_person(viewer: Member, other: Member) -> bool:
    """Whether the viewer follows another member, as a member or as an ambassador."""
    return Follow.objects.filter(
        follower=viewer, kind__in=PEOPLE_KINDS, target_id=other.pk
    ).exists()
