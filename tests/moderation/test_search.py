"""Hidden content leaves search at once (real Elasticsearch), and comes back
when restored: search follows the database state after commit."""

import pytest

from moderation import actions, items
from moderation.models import Reason, ReportGroup
from search import backend, queries
from tests.moderation.conftest import comment_as, post_as
from tests.search.conftest import empty_index, real_elasticsearch  # noqa: F401

pytestmark = pytest.mark.django_db


def kinds_found(town, query: str, viewer) -> list[str]:
    backend.refresh()
    results = queries.search_content(town, query, viewer=viewer)
    assert results.precise, results.notices
    return sorted(hit.kind for hit in results.hits)


def test_hidden_posts_and_comments_leave_search(
    town, author, reporters, moderator, django_capture_on_commit_callbacks
):
    viewer = reporters[3]
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Grainothèque ouverte samedi matin")
        other = post_as(author, "Les bacs à compost sont pleins")
        comment = comment_as(reporters[1], other, "Le compost déborde encore")
    assert kinds_found(town, "grainotheque", viewer) == ["post"]
    assert kinds_found(town, "compost", viewer) == ["comment", "post"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.check_report(reporters[0], "post", post.pk, reason=Reason.SPAM)
        group = ReportGroup.objects.get()
        actions.do_hide(moderator, items.load("post", post.pk), "Spam", group)
        actions.do_hide(moderator, items.load("comment", comment.pk), "Hors sujet")
    assert kinds_found(town, "grainotheque", viewer) == []
    assert kinds_found(town, "compost", viewer) == ["post"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_restore(moderator, items.load("post", post.pk), "Erreur")
    assert kinds_found(town, "grainotheque", viewer) == ["post"]


def test_an_auto_hidden_post_leaves_search(
    town, author, reporters, django_capture_on_commit_callbacks
):
    town.trusted_days = town.trusted_activity = 0  # the town's « Réglages »
    town.save(update_fields=["trusted_days", "trusted_activity"])
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Vente de trottinettes d'occasion")
    assert kinds_found(town, "trottinettes", reporters[3]) == ["post"]
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters[:3]:
            actions.check_report(reporter, "post", post.pk, reason=Reason.SPAM)
    assert kinds_found(town, "trottinettes", reporters[3]) == []
