"""Staff screens in the Wagtail admin show only the towns of the staff member's
roles: every list of town data, its rows' pages (404 for another town's), its
choosers and form choices, the dashboard panels, the coverage report and the
exports. A superuser sees every town and filters by one."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Household
from tests.security.conftest import B_MARKER, CrossTown

pytestmark = pytest.mark.django_db

# List URL name -> how to reach a row of town B (its edit or inspect page).
LISTS = {
    "wagtailsnippets_community_neighbourhood": lambda t: ("edit", t.b.neighbourhood.pk),
    "wagtailsnippets_community_household": lambda t: ("edit", t.b.household.pk),
    "wagtailsnippets_community_member": lambda t: ("edit", t.b.resident.pk),
    "wagtailsnippets_community_invitation": lambda t: (
        "edit",
        t.b.household.invitations.first().pk,
    ),
    "wagtailsnippets_challenges_shop": lambda t: ("edit", t.b.shop.pk),
    "wagtailsnippets_challenges_reward": lambda t: ("edit", t.b.reward.pk),
    "wagtailsnippets_scoring_degreeday": lambda t: ("edit", t.b_degree_day.pk),
    "wagtailsnippets_ambassadors_visit": lambda t: ("inspect", t.b.visit_id),
    "wagtailsnippets_ambassadors_auditentry": lambda t: (
        "inspect",
        t.b.visit_audit_id,
    ),
    "wagtailsnippets_ambassadors_onboarding": lambda t: (
        "inspect",
        t.b.onboarding_id,
    ),
    "moderation_reportgroup": lambda t: ("inspect", t.b_report_group.pk),
    "moderation_decision": lambda t: ("inspect", t.b_decision.pk),
    "moderation_appeal": lambda t: ("inspect", t.b_appeal.pk),
}


GRANTED = {"wagtailsnippets_challenges_shop", "wagtailsnippets_challenges_reward"}


@pytest.fixture
def towns(cross_town: CrossTown) -> CrossTown:
    from ambassadors.models import AuditEntry, Onboarding

    b = cross_town.b
    b.visit_audit_id = AuditEntry.objects.filter(visit_id=b.visit_id).first().pk
    b.onboarding_id = Onboarding.objects.get(
        household__public_id=b.onboarding_public_id
    ).pk
    return cross_town


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("namespace", sorted(LISTS))
def test_a_moderator_of_a_sees_a_only_and_b_answers_404(towns, namespace):
    user = towns.staff["moderator"]
    if namespace in GRANTED:
        # Shops and rewards are the superusers' unless a group is given them.
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="challenges",
                codename__in=[
                    f"{a}_{m}"
                    for a in ("view", "change", "delete")
                    for m in ("shop", "reward")
                ],
            )
        )
    moderator = signed_in(user)
    listing = moderator.get(reverse(f"{namespace}:list"))
    assert listing.status_code == 200
    assert B_MARKER not in listing.content.decode()
    view, pk = LISTS[namespace](towns)
    for name in (view, "history", "usage", "delete"):
        try:
            url = reverse(f"{namespace}:{name}", args=[pk])
        except Exception:  # noqa: S112 — a viewset without this view
            continue
        assert moderator.get(url).status_code == 404, url
    chooser = moderator.get(reverse(f"{chooser_namespace(namespace)}:choose"))
    assert chooser.status_code in (200, 302, 403)
    assert B_MARKER not in chooser.content.decode()


def chooser_namespace(namespace: str) -> str:
    from wagtail.snippets.models import get_snippet_models

    for model in get_snippet_models():
        if model.snippet_viewset.url_namespace == namespace:
            return model.snippet_viewset.get_chooser_admin_url_namespace()
    raise AssertionError(namespace)


def test_the_lists_show_a_rows_to_a_moderator_of_a(towns):
    moderator = signed_in(towns.staff["moderator"])
    members = moderator.get(reverse("wagtailsnippets_community_member:list"))
    assert "Rose R." in members.content.decode()
    queue = moderator.get(reverse("moderation_reportgroup:list")).content.decode()
    assert "Bonjour le quartier" not in queue  # A has no report; B's is hidden


def test_a_superuser_sees_both_towns_and_filters_by_one(towns):
    superuser = signed_in(towns.superuser)
    url = reverse("wagtailsnippets_community_neighbourhood:list")
    both = superuser.get(url).content.decode()
    assert "Les Lilas" + B_MARKER in both and ">Les Lilas</span>" in both
    assert 'name="town"' in both  # the « Commune » filter
    only_a = superuser.get(url, {"town": towns.a.town.pk}).content.decode()
    assert B_MARKER not in only_a and "Les Lilas" in only_a
    only_b = superuser.get(url, {"town": towns.b.town.pk}).content.decode()
    assert "Les Lilas" + B_MARKER in only_b
    queue = superuser.get(reverse("moderation_reportgroup:list"))
    assert "Bonjour le quartier" + B_MARKER in queue.content.decode()
    filtered = superuser.get(
        reverse("moderation_reportgroup:list"), {"town": towns.a.town.pk}
    )
    # The results are A's; the neighbourhood filter still offers every town's.
    assert "Bonjour le quartier" + B_MARKER not in filtered.content.decode()
    edit_b = reverse(
        "wagtailsnippets_community_household:edit", args=[towns.b.household.pk]
    )
    assert superuser.get(edit_b).status_code == 200


def test_a_moderator_of_one_town_gets_no_town_filter(towns):
    page = signed_in(towns.staff["moderator"]).get(
        reverse("wagtailsnippets_community_neighbourhood:list")
    )
    assert 'name="town"' not in page.content.decode()


def test_form_choices_offer_only_the_users_towns(towns):
    moderator = signed_in(towns.staff["moderator"])
    household = towns.a.household
    in_b = Household.objects.filter(neighbourhood=towns.b.neighbourhood).count()
    url = reverse("wagtailsnippets_community_household:edit", args=[household.pk])
    assert moderator.get(url).status_code == 200
    # Moving A's household into B's neighbourhood is refused as an invalid choice.
    moved = moderator.post(
        url,
        {
            "neighbourhood": towns.b.neighbourhood.pk,
            "domains": ["energy"],
            "status": household.status,
        },
    )
    assert moved.status_code == 200  # the form again, with its error
    household.refresh_from_db()
    assert household.neighbourhood_id == towns.a.household.neighbourhood_id
    assert Household.objects.filter(neighbourhood=towns.b.neighbourhood).count() == in_b
    # A's neighbourhood filter of the visits lists A's neighbourhoods only.
    visits = moderator.get(reverse("wagtailsnippets_ambassadors_visit:list"))
    assert "Les Lilas" + B_MARKER not in visits.content.decode()


def test_the_dashboard_panels_count_a_only(towns):
    home = signed_in(towns.staff["moderator"]).get(reverse("wagtailadmin_home"))
    body = home.content.decode()
    assert home.status_code == 200
    assert B_MARKER not in body
    assert "0 signalement" in body  # B's report is not A's
    assert "Les Lilas" + B_MARKER not in body


def test_the_coverage_report_and_its_exports_are_a_only(towns):
    moderator = signed_in(towns.staff["moderator"])
    url = reverse("ambassadors_coverage")
    report = moderator.get(url).content.decode()
    assert "Les Lilas" in report and B_MARKER not in report
    for export in ("quartiers", "ambassadeurs"):
        csv = moderator.get(url, {"export": export}).content.decode()
        assert B_MARKER not in csv
    # A town of B given by hand is not one of A's: the report stays A's.
    forced = moderator.get(url, {"town": towns.b.town.pk}).content.decode()
    assert B_MARKER not in forced
    superuser = signed_in(towns.superuser)
    both = superuser.get(url).content.decode()
    assert "Les Lilas" + B_MARKER in both and 'name="town"' in both
    only_b = superuser.get(url, {"town": towns.b.town.pk, "export": "quartiers"})
    assert "Val-B" in only_b.content.decode()
    assert "Val-A" not in only_b.content.decode()


def test_the_research_export_covers_a_only(towns):
    moderator = signed_in(towns.staff["moderator"])
    names = moderator.get(
        reverse("mydata_research"), {"telecharger": "pseudonymes", "weeks": 4}
    )
    assert names.status_code == 200
    body = names.content.decode()
    assert "Val-A" in body and "Val-B" not in body and B_MARKER not in body


def test_the_research_export_filters_by_town_for_whoever_sees_several(towns):
    from community.models import Role
    from tests.factories import grant, make_town

    url = reverse("mydata_research")
    names = {"telecharger": "pseudonymes", "weeks": 4}
    superuser = signed_in(towns.superuser)
    assert 'name="town"' in superuser.get(url).content.decode()
    both = superuser.get(url, names).content.decode()
    assert "Val-A" in both and "Val-B" in both
    only_b = superuser.get(url, {**names, "town": towns.b.town.pk})
    assert only_b.status_code == 200
    assert "Val-B" in only_b.content.decode()
    assert "Val-A" not in only_b.content.decode()
    # A moderator of one town gets no filter; B's id sent by hand is ignored.
    moderator = signed_in(towns.staff["moderator"])
    assert 'name="town"' not in moderator.get(url).content.decode()
    forced = moderator.get(url, {**names, "town": towns.b.town.pk}).content.decode()
    assert "Val-A" in forced and "Val-B" not in forced and B_MARKER not in forced
    # A moderator of A and B chooses one; a third town is not theirs to choose:
    # the form says so and nothing is downloaded.
    user = towns.staff["moderator"]
    grant(user, towns.b.town, Role.MODERATOR)
    third = make_town("Val-C", hostname="val-c.test")
    both_towns = signed_in(user)
    assert 'name="town"' in both_towns.get(url).content.decode()
    only_a = both_towns.get(url, {**names, "town": towns.a.town.pk}).content.decode()
    assert "Val-A" in only_a and "Val-B" not in only_a
    refused = both_towns.get(url, {**names, "town": third.pk})
    assert refused.status_code == 200
    assert refused["Content-Type"].startswith("text/html")
    assert 'role="alert"' in refused.content.decode()


def test_the_site_history_names_no_row_of_another_town(towns):
    """Wagtail's « Historique du site » lists the log entries of every snippet
    whose model the user has a permission on, whatever its town (its label is
    the row's name): superusers only, as the page types report."""
    from wagtail.log_actions import log

    # What the admin's edit view logs when B's neighbourhood is saved.
    log(instance=towns.b.neighbourhood, action="wagtail.edit", user=towns.superuser)
    urls = ("/admin/reports/site-history/", "/admin/reports/site-history/results/")
    for role in ("moderator", "town_admin", "service", "ambassador"):
        staff = signed_in(towns.staff[role])
        for url in urls:
            answer = staff.get(url)
            assert B_MARKER not in answer.content.decode(), (role, url)
            assert answer.status_code in (302, 403), (role, url)
        assert "site-history" not in staff.get("/admin/").content.decode(), role
    superuser = signed_in(towns.superuser)
    history = superuser.get(urls[0])
    assert history.status_code == 200
    assert "Les Lilas" + B_MARKER in history.content.decode()
    assert "site-history" in superuser.get("/admin/").content.decode()


def test_the_scoped_lists_run_a_bounded_number_of_queries(towns):
    from tests.factories import NeighbourhoodFactory, make_household

    moderator = signed_in(towns.staff["moderator"])
    url = reverse("wagtailsnippets_community_household:list")
    moderator.get(url)  # warm the caches (content types, site)
    with CaptureQueriesContext(connection) as few:
        assert moderator.get(url).status_code == 200
    for _n in range(6):
        make_household(NeighbourhoodFactory(town=towns.a.town))
    with CaptureQueriesContext(connection) as many:
        assert moderator.get(url).status_code == 200
    assert len(many) == len(few)


def test_a_refused_form_and_a_bad_id_answer_without_a_server_error(towns):
    """A household form sent with a neighbourhood that is not an id comes back
    with its error (Wagtail's chooser re-renders it as « nothing chosen »),
    and an edit URL whose id is not a number answers 404: never a 500."""
    client = signed_in(towns.staff["moderator"])
    before = Household.objects.count()
    answer = client.post(
        reverse("wagtailsnippets_community_household:add"),
        {"neighbourhood": "pas-un-id", "status": ""},
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors
    assert Household.objects.count() == before
    edit = reverse("wagtailsnippets_community_household:edit", args=["0"])
    assert client.get(edit.replace("/0/", "/::/")).status_code == 404


def test_a_neighbourhood_form_with_a_town_that_is_not_an_id_comes_back(towns):
    """The town's page chooser re-renders the refused value: an error, no 500."""
    from community.models import Neighbourhood

    client = signed_in(towns.staff["moderator"])
    before = Neighbourhood.objects.count()
    answer = client.post(
        reverse("wagtailsnippets_community_neighbourhood:add"),
        {"town": "pas-un-id", "name": "Nouveau", "slug": "nouveau"},
    )
    assert answer.status_code == 200
    assert "town" in answer.context["form"].errors
    assert Neighbourhood.objects.count() == before


@pytest.mark.parametrize(
    "chooser",
    [
        "wagtailsnippetchoosers_community_neighbourhood",
        "wagtailsnippetchoosers_community_apikey",
        "wagtailsnippetchoosers_reports_reportcategory",
        "wagtailsnippetchoosers_townsensors_townsensor",
    ],
)
def test_a_town_scoped_chooser_creates_nothing(towns, chooser):
    """Rows of a town are made by their own forms: the chooser's creation URL
    answers 404 (Wagtail's generic one was a server error on POST)."""
    from community.models import Neighbourhood

    client = signed_in(towns.superuser)
    before = Neighbourhood.objects.count()
    url = reverse(f"{chooser}:create")
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"name": "Nouveau", "town": towns.a.town.pk}).status_code
        == 404
    )
    assert Neighbourhood.objects.count() == before


def test_a_town_admin_publishes_their_town_s_consent_texts_only(towns):
    """« Textes de consentement »: a town's administrator publishes the next
    version of their town's text, which residents read at once; another
    town's text, the template and a published text's edit are refused."""
    from community import privacy
    from community.models import ConsentKind, ConsentText

    research = ConsentKind.RESEARCH
    b_text = ConsentText.objects.create(
        town=towns.b.town, kind=research, version=1, text="Texte de B" + B_MARKER
    )
    admin = signed_in(towns.staff["town_admin"])
    listing = admin.get(reverse("community_consenttext:list"))
    assert listing.status_code == 200 and B_MARKER not in listing.content.decode()
    add = reverse("community_consenttext:add")
    form = admin.get(add)
    assert form.status_code == 200 and B_MARKER not in form.content.decode()
    before = privacy.current_consent_text(research, towns.a.town)
    published = admin.post(
        add,
        {"town": towns.a.town.pk, "kind": research, "text": "Recherche à Val-A, v2"},
    )
    assert published.status_code == 302
    new = privacy.current_consent_text(research, towns.a.town)
    assert (new.town_id, new.text) == (towns.a.town.pk, "Recherche à Val-A, v2")
    assert new.version == (before.version if before else 0) + 1
    assert privacy.current_consent_text(research, towns.b.town) == b_text
    # The residents of A read it on their consent page.
    resident = signed_in(towns.a.resident.user)
    assert "Recherche à Val-A, v2" in resident.get(reverse("mydata:consents")).text
    # B's town, or no town (the template, superusers'): the form's error.
    count = ConsentText.objects.count()
    for town in (towns.b.town.pk, ""):
        refused = admin.post(add, {"town": town, "kind": research, "text": "Pris"})
        assert refused.status_code == 200
    assert ConsentText.objects.count() == count
    # B's text is a missing one; a published text is never edited nor deleted.
    for view in ("inspect", "edit", "delete"):
        url = reverse(f"community_consenttext:{view}", args=[b_text.pk])
        assert admin.get(url).status_code == 404, view
    assert (
        admin.get(reverse("community_consenttext:inspect", args=[new.pk])).status_code
        == 200
    )
    for view in ("edit", "delete"):
        url = reverse(f"community_consenttext:{view}", args=[new.pk])
        assert admin.get(url).status_code in (302, 403), view
        admin.post(url, {"town": towns.a.town.pk, "kind": research, "text": "Changé"})
    new.refresh_from_db()
    assert new.text == "Recherche à Val-A, v2"
    # A moderator who is not the town's administrator does not publish.
    moderator = signed_in(towns.staff["moderator"])
    assert moderator.get(add).status_code in (302, 403)
    # A superuser publishes the template new towns copy.
    superuser = signed_in(towns.superuser)
    template = superuser.post(add, {"town": "", "kind": research, "text": "Modèle"})
    assert template.status_code == 302
    assert privacy.current_consent_text(research).text == "Modèle"
