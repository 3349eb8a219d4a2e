"""Roles are per town: a moderator or an ambassador of Genlis acting on
Auxonne's things gets the answer of someone without the role and changes
nothing; a person holding roles in both towns works in both. Through the real
views (the site and the Wagtail admin), two towns on two host names."""

import io
import itertools

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from ambassadors import actions as ambassador_actions
from ambassadors import queries as ambassador_queries
from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from ambassadors.models.visits import VisitOutcome
from community import privacy
from community.models import HouseholdStatus, Role
from feeds import actions as feed_actions
from feeds.actions import posts as post_actions
from feeds.models import ContentState
from moderation import actions as moderation_actions
from moderation import items
from moderation.models import Appeal, Decision, Reason, ReportGroup, Sanction
from tests.factories import (
    NeighbourhoodFactory,
    grant,
    make_household,
    make_member,
    make_staff,
    make_town,
)
from tests.tips.helpers import make_tip_index
from tips import actions as tip_actions

pytestmark = pytest.mark.django_db

GENLIS = "genlis.test"
AUXONNE = "auxonne.test"
_keys = itertools.count(1)


def key() -> str:
    return f"roles-{next(_keys)}"


@pytest.fixture(autouse=True)
def hosts(settings) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, GENLIS, AUXONNE]
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        **{f"{scope}_RATE": (100_000, 600) for scope in ("POST", "COMMENT")},
    }


class Town:
    """A town with a neighbourhood, two residents and a reported post."""

    def __init__(self, title: str, hostname: str) -> None:
        self.page = make_town(title, hostname=hostname)
        self.host = hostname
        self.neighbourhood = NeighbourhoodFactory(town=self.page)
        household = make_household(self.neighbourhood, status=HouseholdStatus.ACTIVE)
        self.author = make_member(
            self.page, household=household, display_name=f"Autrice {title}"
        )
        self.reporter = make_member(
            self.page, neighbourhood=self.neighbourhood, display_name=f"Voisin {title}"
        )
        self.post = feed_actions.check_create_post(
            self.author, body=f"Une publication de {title}", client_key=key()
        )
        self.comment = feed_actions.check_add_comment(
            self.reporter,
            self.post,
            body=f"Un commentaire de {title}",
            client_key=key(),
        )
        moderation_actions.check_report(
            self.reporter, "post", self.post.pk, reason=Reason.SPAM
        )
        self.group = ReportGroup.objects.get(kind="post", object_id=self.post.pk)

    def client(self, user: User) -> Client:
        client = Client(HTTP_HOST=self.host)
        client.force_login(user)
        return client


@pytest.fixture
def genlis() -> Town:
    return Town("Genlis", GENLIS)


@pytest.fixture
def auxonne() -> Town:
    return Town("Auxonne", AUXONNE)


def decide(client: Client, group: ReportGroup, action: str, **data):
    return client.post(
        reverse("moderation_decide", args=[group.pk]),
        {"action": action, "reason": "Motif", **data},
    )


def state_of(town: Town) -> tuple:
    town.post.refresh_from_db()
    town.comment.refresh_from_db()
    town.group.refresh_from_db()
    return (
        town.post.state,
        town.post.body,
        town.comment.state,
        town.group.state,
        Decision.objects.filter(member=town.author).count(),
        Sanction.objects.filter(member=town.author).count(),
    )


# --- moderation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "action, data",
    [
        ("hide", {}),
        ("restore", {}),
        ("edit", {"body": "Réécrit ailleurs"}),
        ("warn", {}),
        ("suspend", {"days": "3"}),
        ("ban", {}),
        ("dismiss", {}),
    ],
)
def test_a_moderator_of_genlis_cannot_decide_a_case_of_auxonne(
    genlis, auxonne, action, data
):
    moderator = make_staff(genlis.page, Role.MODERATOR)
    client = genlis.client(moderator)
    before = state_of(auxonne)
    assert decide(client, auxonne.group, action, **data).status_code == 404
    case = reverse("moderation_reportgroup:inspect", args=[auxonne.group.pk])
    assert client.get(case).status_code == 404
    assert state_of(auxonne) == before
    assert User.objects.get(pk=auxonne.author.user_id).is_active
    # Their own town's case works.
    assert (
        client.get(
            reverse("moderation_reportgroup:inspect", args=[genlis.group.pk])
        ).status_code
        == 200
    )
    assert decide(client, genlis.group, "hide").status_code == 302
    genlis.post.refresh_from_db()
    assert genlis.post.state == ContentState.HIDDEN


def test_a_resident_moderating_elsewhere_cannot_hide_a_post_of_their_own_town(
    genlis, auxonne
):
    """A member of Auxonne who moderates Genlis reads Auxonne's feed as a
    resident: no hide button, and the hide URL refuses."""
    neighbour = make_member(
        auxonne.page,
        neighbourhood=auxonne.neighbourhood,
        display_name="Modératrice de Genlis",
    )
    grant(neighbour.user, genlis.page, Role.MODERATOR)
    client = auxonne.client(neighbour.user)
    page = client.get(reverse("feeds:post", args=[auxonne.post.pk]))
    assert page.status_code == 200
    assert reverse("feeds:hide", args=[auxonne.post.pk]) not in page.text
    response = client.post(reverse("feeds:hide", args=[auxonne.post.pk]))
    assert response.status_code == 403
    auxonne.post.refresh_from_db()
    assert auxonne.post.state == ContentState.PUBLISHED
    # Made a moderator of Auxonne too, the same button hides.
    grant(neighbour.user, auxonne.page, Role.MODERATOR)
    page = client.get(reverse("feeds:post", args=[auxonne.post.pk]))
    assert reverse("feeds:hide", args=[auxonne.post.pk]) in page.text
    assert client.post(reverse("feeds:hide", args=[auxonne.post.pk])).status_code == 302
    auxonne.post.refresh_from_db()
    assert auxonne.post.state == ContentState.HIDDEN


@pytest.mark.parametrize(
    "act",
    [
        lambda mod, item: moderation_actions.do_hide(mod, item, "x"),
        lambda mod, item: moderation_actions.do_restore(mod, item, "x"),
        lambda mod, item: moderation_actions.do_edit(mod, item, "autre", "x"),
        lambda mod, item: moderation_actions.do_warn(mod, item, "x"),
        lambda mod, item: moderation_actions.do_suspend(mod, item, 3, "x"),
        lambda mod, item: moderation_actions.do_ban(mod, item, "x"),
        lambda mod, item: post_actions.do_hide_post(mod, item.obj),
        lambda mod, item: post_actions.do_restore_post(mod, item.obj),
        lambda mod, item: post_actions.do_moderate_post_text(mod, item.obj, "x"),
    ],
)
def test_every_decision_on_another_town_s_post_is_refused(genlis, auxonne, act):
    moderator = make_staff(genlis.page, Role.MODERATOR)
    before = state_of(auxonne)
    with pytest.raises(PermissionDenied):
        act(moderator, items.load("post", auxonne.post.pk))
    assert state_of(auxonne) == before


@pytest.mark.parametrize(
    "act",
    [
        lambda mod, comment: post_actions.do_hide_comment(mod, comment),
        lambda mod, comment: post_actions.do_restore_comment(mod, comment),
        lambda mod, comment: post_actions.do_moderate_comment_text(mod, comment, "x"),
        lambda mod, comment: moderation_actions.do_hide(
            mod, items.load("comment", comment.pk), "x"
        ),
    ],
)
def test_every_decision_on_another_town_s_comment_is_refused(genlis, auxonne, act):
    moderator = make_staff(genlis.page, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        act(moderator, auxonne.comment)
    auxonne.comment.refresh_from_db()
    assert auxonne.comment.state == ContentState.PUBLISHED
    assert auxonne.comment.body == "Un commentaire de Auxonne"


def test_an_appeal_of_auxonne_is_answered_by_auxonne_s_moderators_only(genlis, auxonne):
    theirs = make_staff(auxonne.page, Role.MODERATOR)
    decision = moderation_actions.do_hide(
        theirs, items.load("post", auxonne.post.pk), "Hors sujet", auxonne.group
    )
    appeal = moderation_actions.check_appeal(auxonne.author, decision, "Je conteste")
    client = genlis.client(make_staff(genlis.page, Role.MODERATOR))
    url = reverse("moderation_answer_appeal", args=[appeal.pk])
    assert client.post(url, {"granted": "1", "answer": "Oui"}).status_code == 404
    appeal.refresh_from_db()
    auxonne.post.refresh_from_db()
    assert appeal.state == "pending" and auxonne.post.state == ContentState.HIDDEN
    response = auxonne.client(theirs).post(url, {"granted": "1", "answer": "Oui"})
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).state == "granted"


def test_someone_moderating_both_towns_decides_in_both(genlis, auxonne):
    both = make_staff(genlis.page, Role.MODERATOR)
    grant(both, auxonne.page, Role.MODERATOR)
    client = genlis.client(both)
    assert decide(client, genlis.group, "hide").status_code == 302
    assert decide(client, auxonne.group, "hide").status_code == 302
    assert state_of(genlis)[0] == state_of(auxonne)[0] == ContentState.HIDDEN


# --- ambassadors --------------------------------------------------------------


def make_ambassador(town: Town, user: User | None = None) -> User:
    """An ambassador of the town (a new account, or `user` given the role
    there too) with a page covering its neighbourhood."""
    if user is None:
        user = make_staff(town.page, Role.AMBASSADOR)
    else:
        grant(user, town.page, Role.AMBASSADOR)
    index = AmbassadorIndexPage.objects.child_of(town.page).first()
    if index is None:
        index = town.page.add_child(
            instance=AmbassadorIndexPage(title="Ambassadeurs", slug="ambassadeurs")
        )
    page = index.add_child(
        instance=AmbassadorPage(
            title=f"Léa {user.pk}", slug=f"lea-{user.pk}", user=user
        )
    )
    page.neighbourhoods.set([town.neighbourhood])
    page.save()
    return user


def do_the_rounds(town: Town, ambassador: User) -> tuple[int, str]:
    scope = ambassador_queries.access_ambassador_scope(ambassador, town.page)
    visit = ambassador_actions.check_log_visit(
        scope,
        neighbourhood=town.neighbourhood,
        street="rue des Lilas",
        house_number="3",
        outcome=VisitOutcome.NOT_INTERESTED,
    )
    onboarding, _invitation = ambassador_actions.check_pre_register(
        scope,
        neighbourhood=town.neighbourhood,
        domains=["energy"],
        consent_text_id=privacy.current_consent_text().pk,
        contact="",
    )
    return visit.visit.pk, onboarding.household.public_id


def test_an_ambassador_of_genlis_sees_nothing_of_auxonne(genlis, auxonne):
    visit_id, public_id = do_the_rounds(auxonne, make_ambassador(auxonne))
    ours = make_ambassador(genlis)
    client = auxonne.client(ours)
    for name, args in [
        ("home", []),
        ("visits", []),
        ("households", []),
        ("visit", [visit_id]),
        ("household", [public_id]),
        ("card", [public_id]),
        ("dashboard", []),
    ]:
        response = client.get(reverse(f"ambassadors:{name}", args=args))
        assert response.status_code == 403, name
        assert "rue des Lilas" not in response.text
    # At home in Genlis, the tour opens.
    assert genlis.client(ours).get(reverse("ambassadors:home")).status_code == 200


def test_an_ambassador_of_both_towns_works_in_both(genlis, auxonne):
    both = make_ambassador(genlis)
    make_ambassador(auxonne, both)
    done = {town.host: do_the_rounds(town, both) for town in (genlis, auxonne)}
    for town, other in ((genlis, auxonne), (auxonne, genlis)):
        visit_id, public_id = done[town.host]
        client = town.client(both)
        visit = client.get(reverse("ambassadors:visit", args=[visit_id]))
        assert visit.status_code == 200
        households = client.get(reverse("ambassadors:households"))
        assert households.status_code == 200 and public_id in households.text
        # Each town's list shows that town's households only.
        assert done[other.host][1] not in households.text
        other_visit = reverse("ambassadors:visit", args=[done[other.host][0]])
        assert client.get(other_visit).status_code == 404


# --- Wagtail: pages, collections, review workflow ---------------------------


def test_a_moderator_of_genlis_cannot_edit_auxonne_s_pages(genlis, auxonne):
    moderator = make_staff(genlis.page, Role.MODERATOR)
    client = genlis.client(moderator)
    assert (
        client.get(
            reverse("wagtailadmin_pages:edit", args=[genlis.page.pk])
        ).status_code
        == 200
    )
    for url in (
        reverse("wagtailadmin_explore", args=[auxonne.page.pk]),
        reverse("wagtailadmin_pages:edit", args=[auxonne.page.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[auxonne.page.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
    # Posting an edit changes nothing.
    client.post(
        reverse("wagtailadmin_pages:edit", args=[auxonne.page.pk]),
        {"title": "Prise", "slug": "prise"},
    )
    auxonne.page.refresh_from_db()
    assert auxonne.page.title == "Auxonne"


def png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_moderator_sees_and_uploads_to_their_town_s_collection_only(genlis, auxonne):
    ours = Collection.objects.get(name="Genlis")
    theirs = Collection.objects.get(name="Auxonne")
    Image.objects.create(title="Lavoir de Genlis", file=png("g.png"), collection=ours)
    Image.objects.create(title="Pont d'Auxonne", file=png("a.png"), collection=theirs)
    client = genlis.client(make_staff(genlis.page, Role.MODERATOR))
    listing = client.get(reverse("wagtailimages:index"))
    assert listing.status_code == 200
    assert "Lavoir de Genlis" in listing.text
    assert "Pont d&#x27;Auxonne" not in listing.text and "Pont d'Auxonne" not in (
        listing.text
    )
    form = client.get(reverse("wagtailimages:add"))
    assert form.status_code == 200
    assert f'value="{theirs.pk}"' not in form.text
    client.post(
        reverse("wagtailimages:add"),
        {"title": "Glissée", "file": png("x.png"), "collection": theirs.pk},
    )
    assert not Image.objects.filter(collection=theirs, title="Glissée").exists()


def test_another_town_s_image_and_document_cannot_be_read_or_changed(genlis, auxonne):
    """Documents follow the towns' collections as images do; one of Auxonne's
    image or document named by its id is refused to Genlis's moderator, its
    title never shown, and a POST changes nothing."""
    ours = Collection.objects.get(name="Genlis")
    theirs = Collection.objects.get(name="Auxonne")
    Document.objects.create(
        title="Compte rendu de Genlis",
        file=SimpleUploadedFile("g.txt", b"Genlis"),
        collection=ours,
    )
    document = Document.objects.create(
        title="Budget secret Auxonne",
        file=SimpleUploadedFile("a.txt", b"Auxonne"),
        collection=theirs,
    )
    image = Image.objects.create(
        title="Pont secret Auxonne", file=png("a.png"), collection=theirs
    )
    client = genlis.client(make_staff(genlis.page, Role.MODERATOR))
    listing = client.get(reverse("wagtaildocs:index"))
    assert listing.status_code == 200
    assert "Compte rendu de Genlis" in listing.text
    assert "Budget secret Auxonne" not in listing.text
    client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Glissé",
            "file": SimpleUploadedFile("x.txt", b"x"),
            "collection": theirs.pk,
        },
    )
    assert not Document.objects.filter(collection=theirs, title="Glissé").exists()
    for app, obj in (("wagtaildocs", document), ("wagtailimages", image)):
        for view in ("edit", "delete"):
            url = reverse(f"{app}:{view}", args=[obj.pk])
            answer = client.get(url)
            assert answer.status_code in (302, 403, 404), url
            assert "secret Auxonne" not in answer.text, url
        client.post(
            reverse(f"{app}:edit", args=[obj.pk]),
            {"title": "Pris", "collection": ours.pk},
        )
        client.post(reverse(f"{app}:delete", args=[obj.pk]))
        obj.refresh_from_db()
        assert obj.collection_id == theirs.pk and "secret Auxonne" in obj.title
    chooser = client.get(reverse("wagtaildocs_chooser:choose"))
    assert "Budget secret Auxonne" not in chooser.text


def test_a_tip_of_auxonne_awaits_auxonne_s_moderators_only(genlis, auxonne):
    index = make_tip_index(auxonne.page)
    tip = tip_actions.check_propose_tip(
        auxonne.author,
        index,
        title="Un rideau devant la porte",
        summary="Contre les courants d'air.",
        domain="energy",
        difficulty="easy",
        steps=["Mesurer", "Accrocher"],
    )
    assert tip.get_workflow().name == "Relecture · Auxonne"
    ours = make_staff(genlis.page, Role.MODERATOR)
    theirs = make_staff(auxonne.page, Role.MODERATOR)
    assert "Un rideau devant la porte" not in genlis.client(ours).get("/admin/").text
    assert "Un rideau devant la porte" in auxonne.client(theirs).get("/admin/").text
    edit = reverse("wagtailadmin_pages:edit", args=[tip.pk])
    assert genlis.client(ours).get(edit).status_code in (302, 403, 404)
    assert auxonne.client(theirs).get(edit).status_code == 200


def test_an_ambassador_page_needs_the_role_in_its_town(genlis, auxonne):
    ours = make_ambassador(genlis)
    index = auxonne.page.add_child(
        instance=AmbassadorIndexPage(title="Ambassadeurs", slug="ambassadeurs")
    )
    with pytest.raises(ValidationError) as refused:
        index.add_child(instance=AmbassadorPage(title="Léa", slug="lea", user=ours))
    assert "pas ambassadeur de cette commune" in str(refused.value)
    assert not AmbassadorPage.objects.descendant_of(auxonne.page).exists()
    # A second page in the same town stays refused.
    genlis_index = AmbassadorIndexPage.objects.child_of(genlis.page).get()
    with pytest.raises(ValidationError):
        genlis_index.add_child(
            instance=AmbassadorPage(title="Léa bis", slug="lea-bis", user=ours)
        )


def test_a_town_s_document_is_served_on_its_own_host_only(
    genlis, auxonne, settings, tmp_path
):
    """Wagtail serves /documents/<id>/<name> on any host: a document of
    Auxonne's collection is a 404 on Genlis's host, for anyone, and served on
    Auxonne's; a document of the root collection is the deployment's."""
    # Files on disk, as `make run` keeps them (Wagtail sends a file's path).
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    theirs = Collection.objects.get(name="Auxonne")
    document = Document.objects.create(
        title="Budget Auxonne",
        file=SimpleUploadedFile("budget-auxonne.txt", b"Auxonne 2027"),
        collection=theirs,
    )
    shared = Document.objects.create(
        title="Charte",
        file=SimpleUploadedFile("charte.txt", b"Charte commune"),
        collection=Collection.get_first_root_node(),
    )
    url = reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    shared_url = reverse("wagtaildocs_serve", args=[shared.pk, shared.filename])
    elsewhere = Client(HTTP_HOST=genlis.host)
    refused = elsewhere.get(url)
    assert refused.status_code == 404
    assert b"Auxonne 2027" not in b"".join(
        getattr(refused, "streaming_content", [refused.content])
    )
    staff = genlis.client(make_staff(genlis.page, Role.MODERATOR))
    assert staff.get(url).status_code == 404
    at_home = Client(HTTP_HOST=auxonne.host).get(url)
    assert at_home.status_code == 200
    assert b"".join(at_home.streaming_content) == b"Auxonne 2027"
    assert elsewhere.get(shared_url).status_code == 200
