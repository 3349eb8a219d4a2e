"""Posts and comments: what every member of the town reads in its feeds.

Only published posts of a town or neighbourhood feed, or of a live and public
challenge, are indexed; a comment only while it is published, its post is and
(for a reply) the comment it answers is. Hidden and deleted rows, chat rooms and
direct messages are never documents. The comments of a live, public tip (its
discussion post, `PostTarget.TIP`) are indexed too, linked to the tip page and
under the tip's domain; the discussion post itself is not (the tip is). The
search shows both kinds to members of the town only (`members_only`), and
leaves out the authors a member blocked or muted (`author_ids`), as the feeds
do.

The database fallback searches them in its own full-text index
(`search.database`), written from the same documents. Registered with search
when feeds is ready (feeds/apps.py).
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from community.models import TownPage
from feeds.models import Comment, ContentState, Post, PostTarget
from feeds.targets import challenge_pages
from search.kinds import path_in_site
from search.registry import Entry, Kind, register

# A tip's discussion post reaches its tip through its own foreign key, and the
# challenges through `feeds.targets`: feeds imports neither app.
TipPage = Post.tip.field.related_model

TITLE_LENGTH = 90


def _title(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(TITLE_LENGTH)


def visible_challenges() -> QuerySet:
    pages = challenge_pages()
    return pages.visible() if pages else Page.objects.none()


def visible_posts() -> QuerySet[Post]:
    """Published posts readable by every member of their town."""
    return Post.objects.filter(state=ContentState.PUBLISHED).filter(
        Q(target__in=[PostTarget.TOWN, PostTarget.NEIGHBOURHOOD])
        | Q(
            target=PostTarget.CHALLENGE,
            challenge_id__in=visible_challenges().values("pk"),
        )
    )


def visible_tip_discussions() -> QuerySet[Post]:
    """The published discussion posts of live, public tips (never documents
    themselves: the tip is; their comments are)."""
    return Post.objects.filter(
        state=ContentState.PUBLISHED,
        target=PostTarget.TIP,
        tip__in=TipPage.objects.live().public().values("pk"),
    )


def visible_comments() -> QuerySet[Comment]:
    """Published comments of visible posts and tip discussions; a reply to a
    removed comment is not shown in its thread, so it is not visible either."""
    return Comment.objects.filter(
        Q(post__in=visible_posts()) | Q(post__in=visible_tip_discussions()),
        Q(parent__isnull=True) | Q(parent__state=ContentState.PUBLISHED),
        state=ContentState.PUBLISHED,
    )


def _tips(ids: Iterable[int | None] | None = None) -> dict[int, tuple[str, str]]:
    """(URL, domain) of live, public tips (all of them for rebuilds), two queries."""
    tips = TipPage.objects.live().public().only("pk", "path", "url_path", "domain")
    if ids is not None:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        tips = tips.filter(pk__in=wanted)
    towns = {t.path: t for t in TownPage.objects.only("pk", "path", "url_path")}
    places = {}
    for tip in tips:
        town = towns.get(tip.path[: 2 * Page.steplen])
        if town is not None:
            places[tip.pk] = (path_in_site(tip, town), tip.domain)
    return places


def _all_challenges() -> dict[int, Page]:
    """Every visible challenge's facets, in one query (rebuilds)."""
    rows = visible_challenges().only("pk", "domain", "neighbourhood_id")
    return {c.pk: c for c in rows}


def _challenges(ids: Iterable[int | None]) -> dict[int, Page]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = visible_challenges().filter(pk__in=wanted)
    return {c.pk: c for c in rows.only("pk", "domain", "neighbourhood_id")}


def _place(post: Post, challenges: dict[int, Page]) -> dict:
    """Domain and neighbourhood facets: the post's own, or its challenge's."""
    challenge = challenges.get(post.challenge_id) if post.challenge_id else None
    neighbourhood = post.neighbourhood if post.neighbourhood_id else None
    return {
        "domain": challenge.domain if challenge else "",
        "neighbourhood_id": post.neighbourhood_id
        or (challenge.neighbourhood_id if challenge else None),
        "neighbourhood_name": neighbourhood.name if neighbourhood else "",
    }


class PostKind:
    name = "post"
    label = _("Publications")
    model = Post
    members_only = True

    def indexable(self) -> QuerySet:
        return visible_posts().select_related("neighbourhood")

    def entry(self, post: Post) -> Entry | None:
        # The visibility rules live in one query: `indexable()`.
        post = self.indexable().filter(pk=post.pk).first()
        if post is None:
            return None
        return self._entry(post, _challenges([post.challenge_id]))

    def entries(self) -> Iterable[Entry]:
        challenges = _all_challenges()
        for post in self.indexable().iterator(chunk_size=1000):
            yield self._entry(post, challenges)

    def _entry(self, post: Post, challenges: dict[int, Page]) -> Entry:
        if post.content_warning:
            # Behind a warning the feed shows the warning and asks before the
            # text: search finds the post by its warning and never quotes it.
            title, text = post.content_warning, ""
        else:
            title, text = _title(post.body), post.body
        return Entry(
            kind=self.name,
            pk=post.pk,
            town_id=post.town_id,
            title=title,
            url=reverse("feeds:post", args=[post.pk]),
            text=text,
            author_ids=[post.author_id],
            published_at=post.created_at.isoformat(),
            **_place(post, challenges),
        )

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        """Its comments: a hidden or deleted post takes them out with it."""
        ids = Comment.objects.filter(post_id=pk).values_list("pk", flat=True)
        return [(COMMENTS, i) for i in ids]


class CommentKind:
    name = "comment"
    label = _("Commentaires")
    model = Comment
    members_only = True

    def indexable(self) -> QuerySet:
        return visible_comments().select_related("post", "post__neighbourhood")

    def entry(self, comment: Comment) -> Entry | None:
        comment = self.indexable().filter(pk=comment.pk).first()
        if comment is None:
            return None
        post = comment.post
        return self._entry(
            comment, _challenges([post.challenge_id]), _tips([post.tip_id])
        )

    def entries(self) -> Iterable[Entry]:
        challenges, tips = _all_challenges(), _tips()
        for comment in self.indexable().iterator(chunk_size=1000):
            entry = self._entry(comment, challenges, tips)
            if entry is not None:
                yield entry

    def _entry(
        self,
        comment: Comment,
        challenges: dict[int, Page],
        tips: dict[int, tuple[str, str]],
    ) -> Entry | None:
        post = comment.post
        place = _place(post, challenges)
        if post.tip_id is not None:
            # A tip's comment is read on the tip page, under the tip's domain.
            if post.tip_id not in tips:
                return None
            url, domain = tips[post.tip_id]
            place["domain"] = domain
        else:
            url = reverse("feeds:post", args=[post.pk])
        return Entry(
            kind=self.name,
            pk=comment.pk,
            town_id=post.town_id,
            title=_title(comment.body),
            url=f"{url}#comment-{comment.pk}",
            text=comment.body,
            # A member who blocked the post's author cannot open the post.
            author_ids=sorted({comment.author_id, post.author_id}),
            published_at=comment.created_at.isoformat(),
            **place,
        )

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        """Its replies, which leave their thread with it."""
        ids = Comment.objects.filter(parent_id=pk).values_list("pk", flat=True)
        return [(COMMENTS, i) for i in ids]


POSTS = register(PostKind())
COMMENTS = register(CommentKind())


def page_dependents(pk: int) -> list[tuple[Kind, int]]:
    """The posts of a challenge and the comments of its posts or of a tip's
    discussion: they leave the index with the page (page ids are unique
    across page types, so one query serves both)."""
    post_ids = list(Post.objects.filter(challenge_id=pk).values_list("pk", flat=True))
    comment_ids = Comment.objects.filter(
        Q(post_id__in=post_ids) | Q(post__tip_id=pk)
    ).values_list("pk", flat=True)
    return [(POSTS, i) for i in post_ids] + [(COMMENTS, i) for i in comment_ids]
