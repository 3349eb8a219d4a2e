"""A page's post cards, and a post's comment cards, each read by one
written-out query (issue 14).

A feed page showed 20 posts through three ORM queries (the posts with their
authors, référent roles and neighbourhoods; their pictures; their reaction
counts), made into model objects, then into card snapshots (`feeds.cards`):
building the queries and the objects was the largest part of the page's CPU
after the cards were kept rendered. Here the posts chosen by the feed's own
keyset walk (ids only) are read in one query that answers each card's
snapshot directly: the post's columns, its author's name, picture and active
référent role, its neighbourhood, its pictures in order and its reaction
counts with the viewer's own, as JSON built by PostgreSQL. Table and column
names come from the models, values are parameters. The snapshot is the same
`PostCard` that `feeds.cards.post_card` makes from model objects. A post's
page reads its comments the same way: the published comments not by a hidden
author, each with its author, as the `CommentCard`s of `feeds.cards.comment_card`.
tests/feeds/test_post_cards_query.py compares both with the ORM's, for every
kind of post and comment.
"""

import json
from collections.abc import Sequence

from django.db import connection
from django.db.models import Prefetch, Q

from community.domains import domain_labels
from community.models import Member, Neighbourhood, Referent
from feeds.cards import (
    Author,
    Badge,
    CommentCard,
    Picture,
    Place,
    PostCard,
    Reaction,
    Url,
)
from feeds.models import (
    Comment,
    ContentState,
    Post,
    PostImage,
    PostTarget,
    ReactionKind,
)
from feeds.models import Reaction as ReactionRow

_AVATAR_STORAGE = Member._meta.get_field("avatar").storage
_IMAGE_STORAGE = PostImage._meta.get_field("image").storage
_THUMBNAIL_STORAGE = PostImage._meta.get_field("thumbnail").storage


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


# The tables and columns of a card's author (name, picture, référent role).
_AUTHOR_NAMES = {
    "member": Member._meta.db_table,
    "m_id": Member._meta.pk.column,
    "m_name": _column(Member, "display_name"),
    "m_avatar": _column(Member, "avatar"),
    "referent": Referent._meta.db_table,
    "r_member": _column(Referent, "member"),
    "r_active": _column(Referent, "active"),
    "r_title": _column(Referent, "title"),
    "r_domains": _column(Referent, "domains"),
}

_SELECT = """
SELECT
  p."{p_id}", p."{p_author}", m."{m_name}", m."{m_avatar}",
  r."{r_active}", r."{r_title}", r."{r_domains}"::text,
  p."{p_neighbourhood}", n."{n_slug}", n."{n_name}",
  p."{p_created}", p."{p_edited}", p."{p_cw}", p."{p_body}", p."{p_mentions}"::text,
  p."{p_comments}",
  (SELECT json_agg(json_build_array(i."{i_image}", i."{i_thumbnail}", i."{i_alt}")
                   ORDER BY i."{i_position}", i."{i_id}")::text
   FROM "{image}" i WHERE i."{i_post}" = p."{p_id}") AS pictures,
  (SELECT json_object_agg(x.kind, json_build_array(x.n, x.mine))::text
   FROM (SELECT e."{e_kind}" AS kind, count(*) AS n,
                coalesce(bool_or(e."{e_member}" = %(viewer)s), false) AS mine
         FROM "{reaction}" e WHERE e."{e_post}" = p."{p_id}"
         GROUP BY e."{e_kind}") x) AS reactions
FROM "{post}" p
JOIN "{member}" m ON m."{m_id}" = p."{p_author}"
LEFT JOIN "{referent}" r ON r."{r_member}" = m."{m_id}"
LEFT JOIN "{neighbourhood}" n ON n."{n_id}" = p."{p_neighbourhood}"
""".format(  # noqa: S608 (names from the models, values as parameters)
    post=Post._meta.db_table,
    p_id=Post._meta.pk.column,
    p_author=_column(Post, "author"),
    p_neighbourhood=_column(Post, "neighbourhood"),
    p_created=_column(Post, "created_at"),
    p_edited=_column(Post, "edited_at"),
    p_cw=_column(Post, "content_warning"),
    p_body=_column(Post, "body"),
    p_mentions=_column(Post, "mentions"),
    p_comments=_column(Post, "comment_count"),
    **_AUTHOR_NAMES,
    neighbourhood=Neighbourhood._meta.db_table,
    n_id=Neighbourhood._meta.pk.column,
    n_slug=_column(Neighbourhood, "slug"),
    n_name=_column(Neighbourhood, "name"),
    image=PostImage._meta.db_table,
    i_id=PostImage._meta.pk.column,
    i_post=_column(PostImage, "post"),
    i_position=_column(PostImage, "position"),
    i_image=_column(PostImage, "image"),
    i_thumbnail=_column(PostImage, "thumbnail"),
    i_alt=_column(PostImage, "alt_text"),
    reaction=ReactionRow._meta.db_table,
    e_post=_column(ReactionRow, "post"),
    e_kind=_column(ReactionRow, "kind"),
    e_member=_column(ReactionRow, "member"),
)
# The cards of given posts.
_BY_IDS_SQL = _SELECT + f'WHERE p."{Post._meta.pk.column}" = ANY(%(ids)s)'
# A page of a feed walked newest first, and its cards, in one statement: the
# published posts of a town (of one neighbourhood of it), tips' discussions
# and hidden authors left out, after the cursor, one more than the page shows
# (is there a next page?).
_WALK_SQL = """
WITH page AS (
  SELECT w."{p_id}" AS id FROM "{post}" w
  WHERE w."{p_town}" = %(town)s AND w."{p_state}" = %(published)s
    AND NOT (w."{p_target}" = %(tip)s)
    AND NOT (w."{p_author}" = ANY(%(hidden)s))
    {{neighbourhood}} {{cursor}}
  ORDER BY w."{p_created}" DESC, w."{p_id}" DESC
  LIMIT %(limit)s
)
""".format(  # noqa: S608 (names from the models, values as parameters)
    post=Post._meta.db_table,
    p_id=Post._meta.pk.column,
    p_town=_column(Post, "town"),
    p_state=_column(Post, "state"),
    p_target=_column(Post, "target"),
    p_author=_column(Post, "author"),
    p_created=_column(Post, "created_at"),
)
_WALK_NEIGHBOURHOOD = f'AND w."{_column(Post, "neighbourhood")}" = %(neighbourhood)s'
_WALK_CURSOR = (
    f'AND (w."{_column(Post, "created_at")}", w."{Post._meta.pk.column}")'
    " < (%(before_at)s, %(before_id)s)"
)
_WALK_CARDS = (
    f' JOIN page ON page.id = p."{Post._meta.pk.column}"'
    f' ORDER BY p."{_column(Post, "created_at")}" DESC, p."{Post._meta.pk.column}" DESC'
)


def _reactions(raw: str | None, labels: Sequence[tuple[str, str]]) -> tuple:
    counted = json.loads(raw) if raw else {}
    return tuple(
        Reaction(kind, label, *(counted.get(kind) or (0, False)))
        for kind, label in labels
    )


def _pictures(raw: str | None) -> tuple[Picture, ...]:
    return tuple(
        Picture(
            Url(_IMAGE_STORAGE.url(image)),
            Url(_THUMBNAIL_STORAGE.url(thumbnail)),
            alt_text,
        )
        for image, thumbnail, alt_text in (json.loads(raw) if raw else ())
    )


def _mention_pairs(raw: str | None) -> tuple[tuple[int, str], ...]:
    return tuple((m["id"], m["name"]) for m in (json.loads(raw) if raw else ()) or ())


def _author(
    pk: int,
    name: str,
    avatar: str,
    referent_active: bool | None,
    referent_title: str | None,
    referent_domains: str | None,
) -> Author:
    badge = None
    if referent_active:
        badge = Badge(
            tuple(domain_labels(json.loads(referent_domains))), referent_title
        )
    return Author(pk, name, Url(_AVATAR_STORAGE.url(avatar)) if avatar else None, badge)


def post_cards(ids: Sequence[int], viewer_id: int | None) -> dict[int, PostCard]:
    """The card snapshot of each post of `ids` that exists, by id, with the
    reactions of `viewer_id` marked as theirs: one query."""
    if not ids:
        return {}
    if connection.vendor != "postgresql":
        return {card.pk: card for card in _orm_post_cards(ids, viewer_id)}
    with connection.cursor() as cursor:
        cursor.execute(_BY_IDS_SQL, {"ids": list(ids), "viewer": viewer_id})
        return {card.pk: card for card in _cards(cursor.fetchall())}


# `make run`'s SQLite (no arrays, its own JSON functions): the cards made by
# the ORM, as `feeds.cards` makes them from model objects, in four queries.
# They are also the reference the written-out queries are tested against.


def _orm_post_cards(ids: Sequence[int], viewer_id: int | None) -> list[PostCard]:
    from feeds.cards import post_card
    from feeds.queries.posts import decorate_posts

    posts = list(
        Post.objects.filter(pk__in=list(ids))
        .select_related("author__referent", "neighbourhood")
        .prefetch_related(
            Prefetch("images", queryset=PostImage.objects.order_by("position"))
        )
        .order_by("-created_at", "-id")
    )
    viewer = Member(pk=viewer_id) if viewer_id is not None else None
    return [post_card(post) for post in decorate_posts(posts, viewer)]


def _orm_walk(
    town_id: int,
    hidden: set[int],
    limit: int,
    neighbourhood_id: int | None,
    before: tuple | None,
) -> list[int]:
    posts = Post.objects.filter(town_id=town_id, state=ContentState.PUBLISHED).exclude(
        target=PostTarget.TIP
    )
    if hidden:
        posts = posts.exclude(author_id__in=hidden)
    if neighbourhood_id is not None:
        posts = posts.filter(neighbourhood_id=neighbourhood_id)
    if before is not None:
        created_at, pk = before
        posts = posts.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk)
        )
    return list(
        posts.order_by("-created_at", "-id").values_list("pk", flat=True)[:limit]
    )


def _orm_comment_cards(
    post_id: int, viewer_id: int | None, hidden: set[int]
) -> list[CommentCard]:
    from feeds.cards import comment_card
    from feeds.queries.posts import post_comments

    comments = post_comments(Member(pk=viewer_id), Post(pk=post_id), hidden=hidden)
    return [comment_card(comment, viewer_id) for comment in comments]


def walk_cards(
    *,
    town_id: int,
    viewer_id: int,
    hidden: set[int],
    limit: int,
    neighbourhood_id: int | None = None,
    before: tuple | None = None,
) -> list[PostCard]:
    """The cards of a feed's next `limit` posts, newest first: the town's
    published posts (of one neighbourhood), not tips' discussions, not by a
    `hidden` author, older than `before` (created_at, id). One query."""
    if connection.vendor != "postgresql":
        ids = _orm_walk(town_id, hidden, limit, neighbourhood_id, before)
        return _orm_post_cards(ids, viewer_id) if ids else []
    sql = _WALK_SQL.format(
        neighbourhood=_WALK_NEIGHBOURHOOD if neighbourhood_id is not None else "",
        cursor=_WALK_CURSOR if before is not None else "",
    )
    params = {
        "town": town_id,
        "published": ContentState.PUBLISHED.value,
        "tip": PostTarget.TIP.value,
        "hidden": sorted(hidden),
        "limit": limit,
        "neighbourhood": neighbourhood_id,
        "viewer": viewer_id,
    }
    if before is not None:
        params["before_at"], params["before_id"] = before
    with connection.cursor() as cursor:
        cursor.execute(sql + _SELECT + _WALK_CARDS, params)
        return _cards(cursor.fetchall())


def _cards(rows) -> list[PostCard]:
    # The labels in the request's language, once per page rather than per card.
    labels = [(kind.value, str(kind.label)) for kind in ReactionKind]
    cards = []
    for (
        pk,
        author_id,
        name,
        avatar,
        referent_active,
        referent_title,
        referent_domains,
        neighbourhood_id,
        slug,
        place,
        created_at,
        edited_at,
        content_warning,
        body,
        mentions,
        comment_count,
        pictures,
        reactions,
    ) in rows:
        card = PostCard(
            pk=pk,
            author_id=author_id,
            author=_author(
                author_id,
                name,
                avatar,
                referent_active,
                referent_title,
                referent_domains,
            ),
            neighbourhood_id=neighbourhood_id,
            neighbourhood=Place(slug, place) if neighbourhood_id else None,
            created_at=created_at,
            edited_at=edited_at,
            content_warning=content_warning,
            body=body,
            mention_pairs=_mention_pairs(mentions),
            images=_pictures(pictures),
            reaction_list=_reactions(reactions, labels),
            comment_count=comment_count,
        )
        cards.append(card)
    return cards


_COMMENTS_SQL = """
SELECT
  c."{c_id}", c."{c_parent}", c."{c_author}", m."{m_name}", m."{m_avatar}",
  r."{r_active}", r."{r_title}", r."{r_domains}"::text,
  c."{c_created}", c."{c_body}", c."{c_mentions}"::text
FROM "{comment}" c
JOIN "{member}" m ON m."{m_id}" = c."{c_author}"
LEFT JOIN "{referent}" r ON r."{r_member}" = m."{m_id}"
WHERE c."{c_post}" = %(post)s AND c."{c_state}" = %(published)s
  AND NOT (c."{c_author}" = ANY(%(hidden)s))
ORDER BY c."{c_created}", c."{c_id}"
""".format(  # noqa: S608 (names from the models, values as parameters)
    comment=Comment._meta.db_table,
    c_id=Comment._meta.pk.column,
    c_post=_column(Comment, "post"),
    c_parent=_column(Comment, "parent"),
    c_author=_column(Comment, "author"),
    c_state=_column(Comment, "state"),
    c_created=_column(Comment, "created_at"),
    c_body=_column(Comment, "body"),
    c_mentions=_column(Comment, "mentions"),
    **_AUTHOR_NAMES,
)


def comment_cards(
    post_id: int, viewer_id: int | None, hidden: set[int]
) -> list[CommentCard]:
    """The cards of a post's published comments not written by a `hidden`
    author, oldest first, each reply in its comment's `reply_list` (a reply
    whose comment is not shown is not shown either): one query."""
    if connection.vendor != "postgresql":
        return _orm_comment_cards(post_id, viewer_id, hidden)
    with connection.cursor() as cursor:
        cursor.execute(
            _COMMENTS_SQL,
            {
                "post": post_id,
                "published": ContentState.PUBLISHED.value,
                "hidden": sorted(hidden),
            },
        )
        rows = cursor.fetchall()
    replies: dict[int, list[CommentCard]] = {}
    for row in rows:
        if row[1] is not None:
            replies.setdefault(row[1], []).append(_comment(post_id, viewer_id, row, ()))
    return [
        _comment(post_id, viewer_id, row, tuple(replies.get(row[0], ())))
        for row in rows
        if row[1] is None
    ]


def _comment(post_id: int, viewer_id: int | None, row: tuple, replies: tuple):
    (
        pk,
        parent_id,
        author_id,
        name,
        avatar,
        referent_active,
        referent_title,
        referent_domains,
        created_at,
        body,
        mentions,
    ) = row
    return CommentCard(
        pk=pk,
        post_id=post_id,
        parent_id=parent_id,
        author_id=author_id,
        author=_author(
            author_id, name, avatar, referent_active, referent_title, referent_domains
        ),
        created_at=created_at,
        body=body,
        mention_pairs=_mention_pairs(mentions),
        by_viewer=viewer_id is not None and viewer_id == author_id,
        reply_list=replies,
    )
