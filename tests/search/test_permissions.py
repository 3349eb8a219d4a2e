"""Nothing unpublished, draft, private or of another town is ever returned."""

from django.test import override_settings
from wagtail.models import PageViewRestriction

from search import indexing, queries
from tests.factories import NeighbourhoodFactory, make_member, make_town
from tests.tips.helpers import make_tip, make_tip_index

WORD = "lombricomposteur"


def visible_titles(town, query=WORD) -> set[str]:
    return {str(hit.title) for hit in queries.search_content(town, query).hits}


def build_world(town):
    index = make_tip_index(town)
    make_tip(index, f"Public {WORD}")
    make_tip(index, f"Brouillon {WORD}", publish=False)
    unpublished = make_tip(index, f"Dépublié {WORD}")
    unpublished.unpublish()
    private = make_tip(index, f"Privé {WORD}")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    # A published tip with a newer draft: the draft's words are not searchable.
    drafted = make_tip(index, f"Publié {WORD}")
    drafted.title = f"Publié {WORD} brouillonnesque"
    drafted.save_revision()
    other = make_town("Autre-Ville", hostname="autre.example")
    make_tip(make_tip_index(other), f"Ailleurs {WORD}")
    return other


def test_a_rebuilt_index_holds_only_public_live_tips_of_the_town(town):
    other = build_world(town)
    indexing.rebuild()
    assert visible_titles(town) == {
        f"Public <mark>{WORD}</mark>",
        f"Publié <mark>{WORD}</mark>",
    }
    assert visible_titles(town, "brouillonnesque") == set()
    assert visible_titles(other) == {f"Ailleurs <mark>{WORD}</mark>"}


def test_the_same_holds_when_the_index_follows_each_change(
    town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = build_world(town)
    from search import backend

    backend.refresh()
    assert visible_titles(town) == {
        f"Public <mark>{WORD}</mark>",
        f"Publié <mark>{WORD}</mark>",
    }
    assert visible_titles(other) == {f"Ailleurs <mark>{WORD}</mark>"}


def test_a_restriction_on_the_index_hides_every_tip_below_it(
    town, django_capture_on_commit_callbacks
):
    from search import backend

    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        make_tip(index, f"Sous restriction {WORD}")
    backend.refresh()
    assert len(visible_titles(town)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=index, restriction_type=PageViewRestriction.LOGIN
        )
    backend.refresh()
    assert visible_titles(town) == set()


def test_the_search_page_is_scoped_to_the_site_of_the_request(client, town):
    build_world(town)
    indexing.rebuild()
    with override_settings(ALLOWED_HOSTS=["testserver", "autre.example"]):
        here = client.get("/search/", {"q": WORD})
        there = client.get("/search/", {"q": WORD}, HTTP_HOST="autre.example")
    assert "Public" in here.text and "Ailleurs" not in here.text
    assert "Ailleurs" in there.text and "Public" not in there.text
    for text in (here.text, there.text):
        assert "Brouillon" not in text and "Privé" not in text
        assert "Dépublié" not in text


def test_no_role_sees_more(client, town, neighbourhood):
    """A resident, a moderator and an anonymous visitor get the same results."""
    from community import roles
    from tests.factories import make_staff

    build_world(town)
    indexing.rebuild()
    seen = []
    for user in (
        None,
        make_member(town, neighbourhood=neighbourhood).user,
        make_staff(town, roles.MODERATOR),
    ):
        client.logout()
        if user is not None:
            client.force_login(user)
        seen.append(client.get("/search/", {"q": WORD}).text.count("<h2><a href"))
    assert seen == [2, 2, 2]


def test_neighbourhoods_of_another_town_are_not_found(town):
    other = make_town("Troisième", hostname="trois.example")
    NeighbourhoodFactory(town=town, name="Les Saules", slug="saules")
    NeighbourhoodFactory(town=other, name="Les Saules du Nord", slug="saules-n")
    indexing.rebuild()
    assert visible_titles(town, "saules") == {"Les <mark>Saules</mark>"}
