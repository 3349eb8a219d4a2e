"""Our side of the peer benchmarks (issue 14): bench data in the bench's database.

Imported by bench/peer_bench.py, bench/ws_bench.py and bench/profile_feed.py
after they set their environment and called `django.setup()`.

- `fill_posts`: `posts` posts × `comments` comments in the demo town's largest
  neighbourhood, bulk-inserted (no action, no live event, no search index: the
  pages read them as they would read posts made through the site).
- `ensure_members`: at least `count` members of the town who may read that
  neighbourhood's stream (its residents first; new households in it when the
  demo has too few).
- `sign_in`: session keys written with the session engine, as a browser that
  signed in would hold (the demo residents have no usable password).
"""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

# Client keys of the bench's rows: what `fill_posts` finds again with --reuse-db.
POST_KEY_PREFIX = "bench-peer-"
BENCH_EMAIL_DOMAIN = "bench.smartcitizen.invalid"


def post_text(number: int) -> str:
    # No apostrophe or markup: the text is found as is in the escaped page.
    return (
        f"Publication de banc numéro {number} : nous avons baissé le chauffage "
        "à 19 degrés ce mois-ci et la facture suit, essayez aussi."
    )


def comment_text(post_number: int, number: int) -> str:
    return (
        f"Commentaire {number} sur la publication {post_number} : bonne idée, "
        "nous faisons pareil depuis janvier."
    )


@dataclass
class FeedData:
    neighbourhood_id: int
    neighbourhood_slug: str
    viewer_id: int  # a resident of the neighbourhood, author of no bench post
    newest_post_id: int
    newest_post_number: int
    middle_post_id: int  # the post page measured
    middle_post_number: int
    comments: int

    @property
    def feed_path(self) -> str:
        return f"/quartiers/{self.neighbourhood_slug}/"

    @property
    def post_path(self) -> str:
        return f"/publications/{self.middle_post_id}/"

    @property
    def feed_marker(self) -> str:
        """Text the feed page shows when it lists the bench's posts."""
        return post_text(self.newest_post_number)

    @property
    def post_marker(self) -> str:
        """Text the post page shows when it lists the post's last comment."""
        return comment_text(self.middle_post_number, self.comments)


def largest_neighbourhood():
    """The demo town's neighbourhood with the most members (as realtime_bench)."""
    from django.db.models import Count

    from community.models import Neighbourhood
    from demo.town import TOWN_SLUG

    return (
        Neighbourhood.objects.filter(town__slug=TOWN_SLUG)
        .annotate(people=Count("households__members"))
        .order_by("-people", "pk")
        .first()
    )


def residents_of(neighbourhood) -> list:
    from community.models import Member

    return list(
        Member.objects.filter(
            household__neighbourhood=neighbourhood, is_former_member=False
        )
        .select_related("user")
        .order_by("pk")
    )


@transaction.atomic
def fill_posts(posts: int, comments: int) -> FeedData:
    """The bench's posts and comments, inserted once (found again when reused)."""
    from feeds.models import Comment, ContentState, Post, PostTarget

    neighbourhood = largest_neighbourhood()
    residents = residents_of(neighbourhood)
    viewer, authors = residents[0], residents[1:]
    ours = Post.objects.filter(
        neighbourhood=neighbourhood, client_key__startswith=POST_KEY_PREFIX
    )
    existing = ours.count()
    if existing not in (0, posts):
        raise SystemExit(
            f"the bench database holds {existing} bench posts, not {posts}: "
            "run without --reuse-db"
        )
    if existing == 0:
        # Newer than the demo's posts, one a minute, the newest first in the feed.
        start = timezone.now() - timedelta(minutes=posts + 5)
        rows = [
            Post(
                town_id=neighbourhood.town_id,
                author=authors[number % len(authors)],
                target=PostTarget.NEIGHBOURHOOD,
                neighbourhood=neighbourhood,
                body=post_text(number),
                state=ContentState.PUBLISHED,
                client_key=f"{POST_KEY_PREFIX}{number}",
                comment_count=comments,
                created_at=start + timedelta(minutes=number),
            )
            for number in range(posts)
        ]
        Post.objects.bulk_create(rows, batch_size=1000)
        Comment.objects.bulk_create(
            (
                Comment(
                    post=post,
                    author=authors[(number + index + 1) % len(authors)],
                    body=comment_text(number, index + 1),
                    state=ContentState.PUBLISHED,
                    client_key=f"{POST_KEY_PREFIX}{number}-{index + 1}",
                    created_at=post.created_at + timedelta(seconds=index + 1),
                )
                for number, post in enumerate(rows)
                for index in range(comments)
            ),
            batch_size=5000,
        )
    by_number = {
        int(key.removeprefix(POST_KEY_PREFIX)): pk
        for pk, key in ours.values_list("pk", "client_key")
    }
    middle = posts // 2
    data = FeedData(
        neighbourhood_id=neighbourhood.pk,
        neighbourhood_slug=neighbourhood.slug,
        viewer_id=viewer.pk,
        newest_post_id=by_number[posts - 1],
        newest_post_number=posts - 1,
        middle_post_id=by_number[middle],
        middle_post_number=middle,
        comments=comments,
    )
    transaction.on_commit(connection.close)
    return data


@transaction.atomic
def ensure_members(neighbourhood, count: int) -> list:
    """At least `count` members who may read the neighbourhood; residents first.

    The demo town has about 1,100 members: the missing ones are residents of
    new households of the neighbourhood (one member each, no usable password,
    in the residents' group), as `seed_demo` makes them.
    """
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from community import roles
    from community.models import Household, HouseholdStatus, Member

    def chosen() -> list:
        members = Member.objects.filter(
            town_id=neighbourhood.town_id, is_former_member=False
        ).select_related("user", "household")
        here = members.filter(household__neighbourhood=neighbourhood)
        residents = list(here.order_by("pk"))
        others = list(members.exclude(pk__in=here.values("pk")).order_by("pk"))
        return (residents + others)[:count]

    members = chosen()
    missing = count - len(members)
    if missing > 0:
        now = timezone.now()
        start = User.objects.filter(email__endswith=BENCH_EMAIL_DOMAIN).count()
        households = Household.objects.bulk_create(
            Household(
                neighbourhood=neighbourhood,
                status=HouseholdStatus.ACTIVE,
                joined_at=now,
            )
            for _ in range(missing)
        )
        unusable = make_password(None)
        emails = [f"banc{start + n:05d}@{BENCH_EMAIL_DOMAIN}" for n in range(missing)]
        users = User.objects.bulk_create(
            User(username=email, email=email, password=unusable, date_joined=now)
            for email in emails
        )
        Member.objects.bulk_create(
            Member(
                user=user,
                town_id=neighbourhood.town_id,
                household=household,
                display_name=f"Banc {start + n + 1}",
            )
            for n, (user, household) in enumerate(zip(users, households, strict=True))
        )
        Group.objects.get(name=roles.RESIDENT).user_set.add(*users)
        members = chosen()
    transaction.on_commit(connection.close)
    return members


def sign_in(members: list) -> list[str]:
    """One session key per member, written with the site's session engine."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for member in members:
        session = store()
        session[SESSION_KEY] = str(member.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    connection.close()
    return keys
