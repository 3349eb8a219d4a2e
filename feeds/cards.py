"""Post and comment cards kept rendered per snapshot of what they show.

A feed page shows 20 post cards and a post page 20 comments; rendering them was
most of a page's CPU (docs/performance.md, issue 14). A card's template
(`feeds/includes/post_card.html`, `comment_card.html`) is rendered from a
snapshot only: a tuple of the values it shows (text, author's name and picture,
neighbourhood, pictures, counts, the viewer's own reactions) and the viewer's
flags (author of the item or not, may react or not, live copy or page). The
rendered card is kept in this process under that snapshot, the language, the
time zone and the URL prefix. Nothing can be stale: any change that alters a
card changes its snapshot, hence its key, and the template cannot read anything
else (a value missing from the snapshot would show empty, and the tests see
it). No invalidation, nothing shared between processes.

Two per-request values stay out of the kept HTML, as holes filled at each use:
the CSRF field and the `next` path of the reactions form. The holes are HTML
comments, which no escaped user text can contain.
"""

from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Cards kept per process: a card is a few KiB (a post's text is at most 5,000
# characters), so a full cache is some tens of MiB at worst.
KEPT_CARDS = 4096

_CSRF_HOLE = mark_safe("<!--csrf-->")  # noqa: S308 - a constant
_NEXT_HOLE = mark_safe("<!--next-->")  # noqa: S308 - a constant
# What `{% csrf_token %}` writes for the hole: replaced by what it writes for
# the request.
_CSRF_FIELD = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_HOLE}">'


class Url(NamedTuple):
    url: str


class Badge(NamedTuple):
    """A référent's badge (community/includes/referent_badge.html)."""

    domain_labels: tuple[str, ...]
    title: str


class Author(NamedTuple):
    pk: int
    display_name: str
    avatar: Url | None
    referent: Badge | None = None


class Place(NamedTuple):
    slug: str
    name: str


class Picture(NamedTuple):
    image: Url
    thumbnail: Url
    alt_text: str


class Reaction(NamedTuple):
    kind: str
    label: str
    count: int
    mine: bool


def _as_mentions(pairs: tuple[tuple[int, str], ...]) -> list[dict]:
    """`mentions` as the rich_text filter reads them, from (id, name) pairs."""
    return [{"id": pk, "name": name} for pk, name in pairs]


class PostCard(NamedTuple):
    pk: int
    author_id: int
    author: Author
    neighbourhood_id: int | None
    neighbourhood: Place | None
    created_at: Any
    edited_at: Any
    content_warning: str
    body: str
    mention_pairs: tuple[tuple[int, str], ...]
    images: tuple[Picture, ...]
    reaction_list: tuple[Reaction, ...]
    comment_count: int

    @property
    def mentions(self) -> list[dict]:
        return _as_mentions(self.mention_pairs)


class CommentCard(NamedTuple):
    pk: int
    post_id: int
    parent_id: int | None
    author_id: int
    author: Author
    created_at: Any
    body: str
    mention_pairs: tuple[tuple[int, str], ...]
    by_viewer: bool
    reply_list: tuple["CommentCard", ...]

    @property
    def mentions(self) -> list[dict]:
        return _as_mentions(self.mention_pairs)


class _RequestHole:
    """The request as the card template sees it: the `next` path is a hole."""

    def get_full_path(self) -> SafeString:
        return _NEXT_HOLE


def _badge(member) -> Badge | None:
    """The author's active référent role, when the query brought it along
    (`select_related("author__referent")`): never a query per card."""
    referent = member._state.fields_cache.get("referent")
    if referent is None or not referent.active:
        return None
    return Badge(tuple(referent.domain_labels()), referent.title)


def load_badge(member) -> None:
    """Read the author's référent role when no query brought it along: a live
    copy is rendered alone, at a write (one query then), and must show the
    badge a reloaded page shows."""
    if member is not None and "referent" not in member._state.fields_cache:
        try:
            member.referent  # noqa: B018 - cached on the member, None when absent
        except ObjectDoesNotExist:
            pass


def _author(member) -> Author:
    picture = member.avatar
    return Author(
        member.pk,
        member.display_name,
        Url(picture.url) if picture else None,
        _badge(member),
    )


def _mentions(item) -> tuple[tuple[int, str], ...]:
    return tuple((m["id"], m["name"]) for m in item.mentions or ())


def post_card(post) -> PostCard:
    """What the post card of `post` shows (reaction counts: `decorate_posts`)."""
    place = post.neighbourhood if post.neighbourhood_id else None
    return PostCard(
        pk=post.pk,
        author_id=post.author_id,
        author=_author(post.author),
        neighbourhood_id=post.neighbourhood_id,
        neighbourhood=Place(place.slug, place.name) if place else None,
        created_at=post.created_at,
        edited_at=post.edited_at,
        content_warning=post.content_warning,
        body=post.body,
        mention_pairs=_mentions(post),
        images=tuple(
            Picture(Url(i.image.url), Url(i.thumbnail.url), i.alt_text)
            for i in post.images.all()
        ),
        reaction_list=tuple(
            Reaction(r["kind"], str(r["label"]), r["count"], r["mine"])
            for r in getattr(post, "reaction_list", ())
        ),
        comment_count=post.comment_count,
    )


def comment_card(comment, viewer_id: int | None) -> CommentCard:
    """What the card of `comment` (and of its `reply_list`) shows to a viewer."""
    return CommentCard(
        pk=comment.pk,
        post_id=comment.post_id,
        parent_id=comment.parent_id,
        author_id=comment.author_id,
        author=_author(comment.author),
        created_at=comment.created_at,
        body=comment.body,
        mention_pairs=_mentions(comment),
        by_viewer=viewer_id is not None and viewer_id == comment.author_id,
        reply_list=tuple(
            comment_card(reply, viewer_id)
            for reply in getattr(comment, "reply_list", ())
        ),
    )


@lru_cache(maxsize=KEPT_CARDS)
def _rendered(template: str, card: tuple, flags: tuple, where: tuple) -> str:
    # `where` (language, time zone, URL prefix and URLconf) is only part of the
    # key: they are the request's own, already active.
    live, by_viewer, read_only, has_csrf, has_request = flags
    context = {
        "live": live,
        "by_viewer": by_viewer,
        "can": {"participate": not read_only} if read_only is not None else None,
    }
    if template == "feeds/includes/post_card.html":
        context["post"] = card
    else:
        context["comment"] = card
    if has_csrf:
        context["csrf_token"] = _CSRF_HOLE
    if has_request:
        context["request"] = _RequestHole()
    return get_template(template).render(context)


def _render(*key) -> str:
    # In development (DEBUG) templates are read again at each use: so are cards.
    return _rendered.__wrapped__(*key) if settings.DEBUG else _rendered(*key)


def _where() -> tuple:
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        get_urlconf(),
    )


# What one rendering of a template keeps for its cards (its render context):
# `_where()` and the holes' fillings are the same for every card of a page.
_PAGE_KEY = "feeds.cards.page"


def _page(context: Context) -> dict:
    page = context.render_context.get(_PAGE_KEY)
    if page is None:
        page = context.render_context[_PAGE_KEY] = {"where": _where()}
    return page


def _fill(html: str, context: Context) -> SafeString:
    page = _page(context)
    if _CSRF_FIELD in html:
        # What `{% csrf_token %}` writes for this request (it reads the token
        # only now, as the template would have), once per page.
        field = page.get("csrf")
        if field is None:
            field = page["csrf"] = CsrfTokenNode().render(context)
        html = html.replace(_CSRF_FIELD, field)
    if _NEXT_HOLE in html:
        path = page.get("next")
        if path is None:
            path = page["next"] = conditional_escape(context["request"].get_full_path())
        html = html.replace(_NEXT_HOLE, path)
    return mark_safe(html)  # noqa: S308 - rendered with autoescape, holes escaped


def _flags(context: Context) -> tuple[bool, bool | None, bool, bool]:
    """live, read-only (None without `can`), has a CSRF token, has a request."""
    can = context.get("can")
    return (
        bool(context.get("live")),
        (not can.participate) if can else None,
        # Whether `{% csrf_token %}` has a token to write is its own business
        # at fill time; reading the token here would set the CSRF cookie.
        context.get("csrf_token") is not None,
        bool(context.get("request")),
    )


def render_post_card(context: Context, post) -> SafeString:
    """The post card of `post` (a Post or its `PostCard`) for the viewer of
    `context` (`{% post_card %}`)."""
    viewer = context.get("viewer")
    by_viewer = viewer is not None and viewer.pk == post.author_id
    live, read_only, has_csrf, has_request = _flags(context)
    html = _render(
        "feeds/includes/post_card.html",
        # A feed's page brings snapshots (feeds/queries/post_cards.py).
        post if isinstance(post, PostCard) else post_card(post),
        (live, by_viewer, read_only, has_csrf, has_request),
        _page(context)["where"],
    )
    return _fill(html, context)


def render_comment_card(context: Context, comment) -> SafeString:
    """The card of `comment` (a Comment or its `CommentCard`) and its replies
    for the viewer of `context`."""
    viewer = context.get("viewer")
    live, _, has_csrf, _ = _flags(context)
    if not isinstance(comment, CommentCard):
        # A post's page brings snapshots (feeds/queries/post_cards.py).
        comment = comment_card(comment, viewer.pk if viewer is not None else None)
    html = _render(
        "feeds/includes/comment_card.html",
        comment,
        # The comment template reads neither `can` nor the request.
        (live, False, None, has_csrf, False),
        _page(context)["where"],
    )
    return _fill(html, context)


def forget_cards() -> None:
    """Empty this process's cards (tests that count renders)."""
    _rendered.cache_clear()
