"""Posts, comments, challenges and ambassadors in the index: found in French by
the town's members, gone as soon as the database hides them, never private."""

import html
import itertools
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from community import roles
from feeds import actions
from feeds.models import ChatMessage, PostTarget
from search import backend, indexing, queries
from tests.challenges.conftest import make_action_type, make_challenge_index
from tests.factories import NeighbourhoodFactory, make_member, make_staff, make_town
from tests.search.test_pages import closed_port
from tests.tips.helpers import make_tip, make_tip_index

_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def generous_rates(settings) -> None:
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "POST_RATE": (10_000, 600),
        "COMMENT_RATE": (10_000, 600),
        "MESSAGE_RATE": (10_000, 60),
    }


def post_as(member, body: str, **kwargs):
    return actions.check_create_post(
        member, body=body, client_key=f"cle-{next(_keys)}", **kwargs
    )


def comment_as(member, post, body: str, **kwargs):
    return actions.check_add_comment(
        member, post, body=body, client_key=f"cle-{next(_keys)}", **kwargs
    )


def found(town, query: str, viewer=None) -> set[tuple[str, str]]:
    """(kind, title without marks) of every result, after a refresh."""
    backend.refresh()
    results = queries.search_content(town, query, viewer=viewer)
    assert results.precise, results.notices
    return {
        (
            hit.kind,
            html.unescape(str(hit.title).replace("<mark>", "").replace("</mark>", "")),
        )
        for hit in results.hits
    }


def kinds_found(town, query: str, viewer=None) -> list[str]:
    return sorted(kind for kind, _title in found(town, query, viewer))


def documents() -> list[dict]:
    backend.refresh()
    answer = backend.client().search(
        index=backend.alias_name(), query={"match_all": {}}, size=1000
    )
    return [hit["_source"] for hit in answer["hits"]["hits"]]


@pytest.fixture
def author(town, neighbourhood):
    return make_member(town, neighbourhood=neighbourhood, display_name="Paul M.")


@pytest.fixture
def moderator(town):
    return make_staff(town, roles.MODERATOR)


def make_challenge(index, action_types, *, title: str, **fields):
    """A running challenge, published the way the admin does."""
    from challenges.models import ChallengePage

    today = timezone.localdate()
    challenge = ChallengePage(
        title=title,
        slug=f"defi-{next(_keys)}",
        domain=action_types[0].domain,
        start_date=today - timedelta(days=5),
        end_date=today + timedelta(days=30),
        live=False,
        **fields,
    )
    index.add_child(instance=challenge)
    challenge.action_types.set(action_types)
    challenge.save_revision().publish()
    return ChallengePage.objects.get(pk=challenge.pk)


def make_ambassador_page(town, name: str, *neighbourhoods, bio: str = ""):
    from ambassadors.models import AmbassadorIndexPage, AmbassadorPage

    index = AmbassadorIndexPage.objects.child_of(town).first()
    if index is None:
        index = town.add_child(
            instance=AmbassadorIndexPage(title="Ambassadeurs", slug="ambassadeurs")
        )
    page = AmbassadorPage(
        title=name, slug=f"amb-{next(_keys)}", bio=bio, live=False, permanences=[]
    )
    index.add_child(instance=page)
    page.neighbourhoods.set(neighbourhoods)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# Posts and comments ---------------------------------------------------------


def test_a_public_post_is_found_in_french_by_members_only(
    town, member, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Nos vélos réparés à l'atelier : venez les essayer")
        post_as(author, "J'ai posé des mousseurs sur les robinets de l'école")
    title = "Nos vélos réparés à l'atelier : venez les essayer"
    assert found(town, "velo", member) == {("post", title)}
    assert found(town, "VÉLO atelier", member) == {("post", title)}
    assert kinds_found(town, "robinet", member) == ["post"]
    assert kinds_found(town, "l'ecole", member) == ["post"]
    # The author finds it too; a visitor who is not a member does not.
    assert kinds_found(town, "velo", author) == ["post"]
    assert found(town, "velo") == set()
    (document,) = [d for d in documents() if d["kind"] == "post" and d["pk"] == post.pk]
    assert document["url"] == f"/publications/{post.pk}/"
    assert document["author_ids"] == [author.pk]


def test_a_neighbourhood_post_carries_its_neighbourhood_facet(
    town, member, author, neighbourhood, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_as(
            author,
            "Troc de graines samedi",
            target=PostTarget.NEIGHBOURHOOD,
            neighbourhood_id=neighbourhood.pk,
        )
    backend.refresh()
    results = queries.search_content(town, "graines", viewer=member)
    assert [v.label for v in results.facets["neighbourhood"]] == [neighbourhood.name]
    assert [v.label for v in results.facets["kind"]] == ["Publications"]
    narrowed = queries.search_content(
        town, "graines", viewer=member, neighbourhood=str(neighbourhood.pk)
    )
    assert narrowed.total == 1


def test_a_hidden_post_leaves_the_index_with_its_comments(
    town, member, author, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Composteur collectif derrière la mairie")
        comment_as(member, post, "Le composteur sent bon le sous-bois")
    assert kinds_found(town, "composteur", member) == ["comment", "post"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_hide_post(moderator, post)
    assert found(town, "composteur", member) == set()
    assert all(d["kind"] not in ("post", "comment") for d in documents())


def test_a_deleted_post_and_a_deleted_comment_leave(
    town, member, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = post_as(author, "Panneaux solaires sur le gymnase")
        gone = post_as(author, "Panneaux solaires à vendre")
        comment_as(member, gone, "Combien pour les panneaux ?")
        comment = comment_as(member, kept, "Les panneaux produisent déjà")
        reply = comment_as(author, kept, "Oui, panneaux branchés", parent_id=comment.pk)
    assert len(found(town, "panneaux", member)) == 5
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_post(author, gone)
    assert found(town, "panneaux", member) == {
        ("post", "Panneaux solaires sur le gymnase"),
        ("comment", "Les panneaux produisent déjà"),
        ("comment", "Oui, panneaux branchés"),
    }
    # A deleted comment takes its replies out of its thread, and of the index.
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_comment(member, comment)
    assert found(town, "panneaux", member) == {
        ("post", "Panneaux solaires sur le gymnase")
    }
    assert reply.pk not in [d["pk"] for d in documents() if d["kind"] == "comment"]


def test_an_edit_is_searchable_after_commit(
    town, member, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Marché de producteurs dimanche")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.check_edit_post(
            author, post, body="Marché de maraîchers dimanche", content_warning=""
        )
    assert kinds_found(town, "maraichers", member) == []
    for callback in callbacks:
        callback()
    assert kinds_found(town, "maraichers", member) == ["post"]
    assert kinds_found(town, "producteurs", member) == []


def test_a_post_behind_a_warning_is_found_by_its_warning_only(
    town, member, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_as(
            author,
            "Photo du frigo rempli de moisissures",
            content_warning="Image peu ragoûtante",
        )
    assert found(town, "ragoutante", member) == {("post", "Image peu ragoûtante")}
    assert found(town, "moisissures", member) == set()


def test_posts_of_another_town_are_not_returned(
    town, member, author, django_capture_on_commit_callbacks
):
    other = make_town("Autre-Ville", hostname="autre.example")
    stranger = make_member(other, neighbourhood=NeighbourhoodFactory(town=other))
    with django_capture_on_commit_callbacks(execute=True):
        post_as(author, "Covoiturage vers la gare")
        post_as(stranger, "Covoiturage vers le lycée")
    assert found(town, "covoiturage", member) == {("post", "Covoiturage vers la gare")}
    assert found(other, "covoiturage", stranger) == {
        ("post", "Covoiturage vers le lycée")
    }
    # A member of the other town searching this town's site reads no posts.
    assert found(town, "covoiturage", stranger) == set()


def test_blocked_and_muted_authors_are_left_out(
    town, member, author, neighbourhood, django_capture_on_commit_callbacks
):
    third = make_member(town, neighbourhood=neighbourhood, display_name="Zoé L.")
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Atelier réparation de grille-pain")
        comment_as(third, post, "Mon grille-pain revit")
        post_as(third, "Qui prête un grille-pain ?")
    assert len(found(town, "grille-pain", member)) == 3
    actions.do_block(member, author)
    # The author's post, and the comment under it, are gone for the blocker.
    assert found(town, "grille-pain", member) == {
        ("post", "Qui prête un grille-pain ?")
    }
    actions.do_mute(member, third)
    assert found(town, "grille-pain", member) == set()
    assert len(found(town, "grille-pain", third)) == 3


def test_chat_and_direct_messages_are_never_indexed(
    town, member, author, neighbourhood, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        room = actions.get_or_create_direct_room(member, author)
        actions.check_send_message(
            member, room, body="Secret : le digicode est 4321", client_key="dm-1"
        )
        hood = actions.get_or_create_neighbourhood_room(neighbourhood)
        actions.check_send_message(
            member, hood, body="Digicode du local vélo", client_key="room-1"
        )
        post_as(author, "Le local vélo est ouvert")
    assert ChatMessage.objects.count() == 2
    for _round in ("after each commit", "after a rebuild"):
        assert found(town, "digicode", member) == set()
        kinds = {d["kind"] for d in documents()}
        assert "post" in kinds and kinds <= {"post", "neighbourhood"}
        assert not any("digicode" in d["text"].lower() for d in documents())
        indexing.rebuild()


def test_a_rebuild_holds_only_what_members_may_read(
    town, member, author, moderator, django_capture_on_commit_callbacks
):
    index = make_challenge_index(town)
    challenge = make_challenge(index, [make_action_type()], title="Défi tulipes")
    post_as(author, "Tulipes du square")
    post_as(
        author,
        "Tulipes du défi",
        target=PostTarget.CHALLENGE,
        challenge_id=challenge.pk,
    )
    hidden = post_as(author, "Tulipes masquées")
    comment_as(member, hidden, "Tulipes sous le commentaire masqué")
    actions.do_hide_post(moderator, hidden)
    deleted = post_as(author, "Tulipes supprimées")
    actions.do_delete_post(author, deleted)
    indexing.rebuild()
    assert found(town, "tulipes", member) == {
        ("challenge", "Défi tulipes"),
        ("post", "Tulipes du square"),
        ("post", "Tulipes du défi"),
    }
    assert found(town, "tulipes") == {("challenge", "Défi tulipes")}


# Challenges -----------------------------------------------------------------


def test_a_challenge_is_found_and_leaves_when_unpublished_with_its_posts(
    town, member, author, neighbourhood, django_capture_on_commit_callbacks
):
    index = make_challenge_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        challenge = make_challenge(
            index,
            [make_action_type(domain="energy")],
            title="Défi des économies d'énergie",
            summary="Baisser le chauffage d'un degré",
            neighbourhood=neighbourhood,
            scope="neighbourhood",
        )
        post = post_as(
            author,
            "Mon thermostat est réglé à 19 degrés",
            target=PostTarget.CHALLENGE,
            challenge_id=challenge.pk,
        )
        comment_as(member, post, "Bravo pour le thermostat")
    # Public pages are found by anyone; "radiateur" is a synonym of chauffage.
    assert found(town, "radiateur") == {("challenge", "Défi des économies d'énergie")}
    assert kinds_found(town, "thermostat", member) == ["comment", "post"]
    results = queries.search_content(town, "thermostat", viewer=member)
    assert [v.label for v in results.facets["domain"]] == ["Énergie"]
    assert [v.value for v in results.facets["neighbourhood"]] == [str(neighbourhood.pk)]
    document = next(d for d in documents() if d["kind"] == "challenge")
    assert document["url"] == challenge.url
    with django_capture_on_commit_callbacks(execute=True):
        challenge.refresh_from_db()
        challenge.unpublish()
    assert found(town, "radiateur") == set()
    assert found(town, "thermostat", member) == set()
    with django_capture_on_commit_callbacks(execute=True):
        challenge.refresh_from_db()
        challenge.get_latest_revision().publish()
    assert kinds_found(town, "thermostat", member) == ["comment", "post"]


def test_a_challenge_of_another_town_is_not_found(
    town, django_capture_on_commit_callbacks
):
    other = make_town("Autre-Ville", hostname="autre.example")
    with django_capture_on_commit_callbacks(execute=True):
        make_challenge(
            make_challenge_index(other), [make_action_type()], title="Défi zéro déchet"
        )
    assert found(town, "dechets") == set()
    assert kinds_found(other, "dechets") == ["challenge"]


# Ambassadors ----------------------------------------------------------------


def test_an_ambassador_is_found_and_leaves_when_unpublished(
    town, neighbourhood, django_capture_on_commit_callbacks
):
    second = NeighbourhoodFactory(town=town, name="Les Tilleuls", slug="tilleuls")
    with django_capture_on_commit_callbacks(execute=True):
        page = make_ambassador_page(
            town,
            "Léa Martin",
            neighbourhood,
            second,
            bio="Je vous aide à lire vos factures d'électricité.",
        )
    assert found(town, "lea") == {("ambassador", "Léa Martin")}
    assert kinds_found(town, "facture electricite") == ["ambassador"]
    # Found by the neighbourhoods covered, and counted under each.
    assert "ambassador" in kinds_found(town, "tilleuls")
    results = queries.search_content(town, "factures")
    assert {v.value for v in results.facets["neighbourhood"]} == {
        str(neighbourhood.pk),
        str(second.pk),
    }
    document = next(d for d in documents() if d["kind"] == "ambassador")
    assert document["url"] == page.url
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert found(town, "lea") == set()


# The page, the fallback -----------------------------------------------------


def test_the_search_page_links_posts_for_members_only(
    client, town, member, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Grainothèque à la médiathèque")
        comment = comment_as(member, post, "Merci pour la grainothèque")
        challenge = make_challenge(
            make_challenge_index(town), [make_action_type()], title="Défi grainothèque"
        )
    backend.refresh()
    anonymous = client.get("/search/", {"q": "grainotheque"}).text
    assert f'href="{challenge.url}"' in anonymous
    assert "/publications/" not in anonymous
    client.force_login(member.user)
    page = client.get("/search/", {"q": "grainotheque"}).text
    detail = reverse("feeds:post", args=[post.pk])
    assert f'href="{detail}"' in page
    assert f'href="{detail}#comment-{comment.pk}"' in page
    for label in ("Publications", "Commentaires", "Défis"):
        assert label in page
    suggest = client.get("/search/suggest", {"q": "grainoth"}).json()
    assert {s["kind"] for s in suggest["suggestions"]} == {
        "post",
        "comment",
        "challenge",
    }
    client.logout()
    suggest = client.get("/search/suggest", {"q": "grainoth"}).json()
    assert {s["kind"] for s in suggest["suggestions"]} == {"challenge"}


def test_the_fallback_finds_pages_and_posts_for_members_only(
    client, town, member, author, django_capture_on_commit_callbacks
):
    index = make_tip_index(town)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_as(author, "Récupérateur d'eau de pluie à partager")
        make_challenge(
            make_challenge_index(town),
            [make_action_type()],
            title="Défi récupérateur",
            summary="Eau de pluie",
        )
        make_ambassador_page(town, "Karim récupérateur")
        make_tip(index, "Installer un récupérateur")
    detail = reverse("feeds:post", args=[post.pk])
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}"):
        anonymous = client.get("/search/", {"q": "récupérateurs"})
        client.force_login(member.user)
        page = client.get("/search/", {"q": "récupérateurs"})
    assert anonymous.status_code == page.status_code == 200
    for title in ("Défi récupérateur", "Karim récupérateur", "Installer un"):
        assert title in anonymous.text and title in page.text
    # The database's index holds posts too, read by the town's members only.
    assert "3 résultats" in anonymous.text and "/publications/" not in anonymous.text
    assert "4 résultats" in page.text and f'href="{detail}"' in page.text
    assert "ne sont pas cherchés" not in page.text
