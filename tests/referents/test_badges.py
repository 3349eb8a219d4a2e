"""The référent's badge beside the name: posts, comments, the member page,
with no query per card (the role comes with the author's row)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Referent
from feeds.actions import check_add_comment, check_create_post
from tests.factories import make_member

BADGE = "Référent·e Énergie, Eau"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_badge_on_posts_comments_and_profile_without_more_queries(
    client, town, neighbourhood, member
):
    adviser = make_member(town, neighbourhood=neighbourhood, display_name="Claire R.")
    post = check_create_post(adviser, body="Purgez vos radiateurs.", client_key="k1")
    check_add_comment(adviser, post, body="Et vérifiez la pression.", client_key="k2")
    client.force_login(member.user)
    feed = reverse("feeds:town")
    post_url = reverse("feeds:post", args=[post.pk])
    profile = reverse("feeds:member", args=[adviser.pk])
    # The first page of a process reads the town, kept after (community.towns).
    client.get(feed)
    before = [_queries(client, url) for url in (feed, post_url, profile)]
    assert BADGE not in client.get(feed).content.decode()

    role = Referent.objects.create(
        town=town,
        member=adviser,
        title="Conseillère énergie",
        domains=["energy", "water"],
    )
    assert [_queries(client, url) for url in (feed, post_url, profile)] == before
    assert BADGE in client.get(feed).content.decode()
    detail = client.get(post_url).content.decode()
    assert detail.count(BADGE) == 2  # the post and the comment
    assert BADGE in client.get(profile).content.decode()
    for n in range(5):
        check_create_post(adviser, body=f"Conseil {n}", client_key=f"p{n}")
        check_add_comment(adviser, post, body=f"Précision {n}", client_key=f"c{n}")
    assert [_queries(client, url) for url in (feed, post_url, profile)] == before

    # Withdrawn: the badge goes.
    role.active = False
    role.save(update_fields=["active"])
    assert BADGE not in client.get(post_url).content.decode()


def test_live_copies_carry_the_badge_as_reloaded_pages_do(town, neighbourhood):
    """What the streams send is what a reload shows: the badge included."""
    from realtime.models import Event

    adviser = make_member(town, neighbourhood=neighbourhood, display_name="Claire R.")
    Referent.objects.create(
        town=town, member=adviser, title="Conseillère énergie", domains=["energy"]
    )
    adviser = type(adviser).objects.get(pk=adviser.pk)  # as a request loads it
    post = check_create_post(adviser, body="Purgez vos radiateurs.", client_key="l1")
    check_add_comment(adviser, post, body="Et la pression.", client_key="l2")
    for event, key in (("post.created", "html"), ("comment.created", "comment_html")):
        html = Event.objects.filter(event=event).get().data[key]
        assert "Référent·e Énergie" in html, event
