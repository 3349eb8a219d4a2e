from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from community.models import (
    Household,
    HouseholdStatus,
    Member,
    Neighbourhood,
    Role,
    TownPage,
)
from demo.content import ACTIONS
from demo.life import POSTS
from demo.town import DEMO_ACCOUNTS, TOWN_SLUG


class Rollback(Exception):
    pass


def seeded_public_ids() -> list[str]:
    return sorted(Household.objects.values_list("public_id", flat=True))


@pytest.mark.django_db
def test_the_demo_town_looks_like_the_first_town():
    call_command("seed_demo", verbosity=0)

    town = TownPage.objects.get(slug=TOWN_SLUG)
    neighbourhoods = Neighbourhood.objects.filter(town=town)
    assert neighbourhoods.count() == 6
    totals = neighbourhoods.aggregate(h=Sum("household_count"), p=Sum("population"))
    assert totals["h"] == 2400
    assert 5400 <= totals["p"] <= 5600
    active = Household.objects.filter(
        neighbourhood__town=town, status=HouseholdStatus.ACTIVE
    )
    assert active.count() == 600
    assert (
        User.objects.filter(
            groups__town_role__town=town, groups__town_role__role=Role.AMBASSADOR
        ).count()
        == 4
    )
    assert (
        User.objects.filter(
            groups__town_role__town=town, groups__town_role__role=Role.MODERATOR
        ).count()
        == 2
    )
    # Public ids are pseudonyms, never database ids.
    assert all(not h.public_id.isdigit() for h in active[:50])
    # The accounts of the README log in with their passwords.
    for account in DEMO_ACCOUNTS:
        assert User.objects.get(username=account.email).check_password(account.password)
    # The town is the default site's home page.
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_page_id == town.pk


@pytest.mark.django_db
def test_the_demo_town_has_content_to_try_every_part(client):
    from ambassadors.models import AmbassadorPage
    from challenges.models import ChallengePage
    from feeds.models import Post
    from scoring.models import ActionType
    from tips.models import TipPage

    call_command("seed_demo", verbosity=0)

    assert TipPage.objects.live().count() == 6
    # One for the town and one in each neighbourhood, and the past red day's
    # flash challenge (demo/gridalerts.py) with its results.
    assert ChallengePage.objects.live().count() == 8
    flash = ChallengePage.objects.get(flash__isnull=False)
    assert flash.flash.scored_at is not None
    assert flash.flash_results.count() == 60
    # The demo catalogue; apps add their own actions on first use (carpool's
    # « carpool-ride », localshops' local_purchase, events' presences).
    assert ActionType.objects.filter(code__in=[a[0] for a in ACTIONS]).count() == 10
    assert ActionType.objects.filter(code="carpool-ride", domain="transport").exists()
    assert ActionType.objects.filter(code="local_purchase").exists()
    _assert_demo_carpool()
    assert ActionType.objects.filter(code="evenement-participation-waste").exists()
    town = TownPage.objects.get(slug=TOWN_SLUG)
    assert Post.objects.filter(tip__isnull=True, town=town).count() == len(POSTS)
    # Every ambassador covers at least one neighbourhood, so their rounds work.
    pages = AmbassadorPage.objects.live()
    assert pages.descendant_of(town).count() == 4
    assert all(page.neighbourhoods.exists() for page in pages)
    # Seven generated households in ten agreed to research use.
    from community.models import ConsentRecord

    research = ConsentRecord.objects.filter(text__kind="research").count()
    assert research == 600 * 7 // 10
    assert_demo_reports(client, town)
    assert_demo_referents(client, town)


def assert_demo_referents(client, town) -> None:
    """Four référents (people and businesses); a solved question with two « m'a
    aidé », an answered one, an open one, and one waiting for more than 72 h,
    which the moderators' list shows (demo/referents.py)."""
    from django.urls import reverse

    from community.models import Referent
    from referents.models import Question

    referents = Referent.objects.filter(town=town, active=True)
    assert referents.count() == 4
    assert set(referents.values_list("kind", flat=True)) == {"person", "business"}
    questions = Question.objects.filter(town=town)
    solved = questions.get(solution__isnull=False)
    assert solved.solution.helpful_count == 2
    assert questions.filter(answer_count__gt=0).count() == 2
    assert questions.filter(answer_count=0).count() == 2

    client.force_login(User.objects.get(username="anne.martin@demo.smartcitizen.fr"))
    listed = client.get(reverse("referents:list"), {"etat": "resolues"}).text
    assert solved.title in listed
    page = client.get(solved.get_absolute_url()).text
    assert "Référent·e Énergie" in page and "La solution" in page
    moderator = "claire.moderatrice@demo.smartcitizen.fr"
    client.force_login(User.objects.get(username=moderator))
    waiting = client.get(reverse("referents_unanswered")).text
    assert "Peut-on mettre un vélo dans le TER" in waiting
    assert "Où trouver des paniers" not in waiting  # asked 20 h ago


def assert_demo_reports(client, town) -> None:
    """Reports in every state, pinned inside the town, a duplicate pointing at
    the report kept; the roads agent of README.md works them (demo/reports.py)."""
    from django.urls import reverse

    from community.roles import has_role
    from reports.models import Report, ReportCategory, ReportState

    assert ReportCategory.objects.filter(town=town).count() == 6
    reports = Report.objects.filter(town=town)
    # A few in each state: at least two.
    states = Counter(reports.values_list("state", flat=True))
    assert set(states) == set(ReportState.values)
    assert min(states.values()) >= 2, states
    for duplicate in reports.filter(state=ReportState.DUPLICATE):
        assert duplicate.duplicate_of.town_id == town.pk
        assert duplicate.updates.filter(kind="state").exists()
    assert reports.filter(supporters_count__gt=0).exists()
    for report in reports.exclude(latitude=None):
        assert town.bounds_south <= report.latitude <= town.bounds_north
        assert town.bounds_west <= report.longitude <= town.bounds_east
    agent = User.objects.get(username="agent.voirie@demo.smartcitizen.fr")
    assert agent.check_password("demo-services-2026")
    assert has_role(agent, town, Role.SERVICE)
    client.force_login(agent)
    queue = client.get(reverse("reports_queue"))
    assert queue.status_code == 200
    assert "Avenue de la Gare" in queue.content.decode()


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_and_is_deterministic():
    with pytest.raises(Rollback), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        first_run = seeded_public_ids()
        raise Rollback

    call_command("seed_demo", verbosity=0)
    assert seeded_public_ids() == first_run
    from reports.models import Report

    def counts() -> tuple[int, ...]:
        return (
            User.objects.count(),
            Member.objects.count(),
            Household.objects.count(),
            Report.objects.count(),
        )

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


@pytest.mark.django_db
def test_the_second_town_is_apart_with_its_own_staff_and_settings(client, settings):
    from wagtail.models import Site

    from community.roles import is_moderator
    from demo import rivemont as demo_rivemont

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, demo_rivemont.HOSTNAME]
    call_command("seed_demo", verbosity=0)
    first = TownPage.objects.get(slug=TOWN_SLUG)
    second = TownPage.objects.get(slug=demo_rivemont.SLUG)
    site = Site.objects.get(root_page=second)
    assert (site.hostname, site.port) == ("rivemont.localhost", 8000)
    assert not second.open_signup and first.open_signup
    assert second.coverage_target_share == 0.3
    for email, password, *_ in demo_rivemont.ACCOUNTS:
        assert User.objects.get(username=email).check_password(password)
    nora = User.objects.get(username="nora.moderatrice@demo.smartcitizen.fr")
    claire = User.objects.get(username="claire.moderatrice@demo.smartcitizen.fr")
    assert is_moderator(nora, second) and not is_moderator(nora, first)
    assert is_moderator(claire, first) and not is_moderator(claire, second)
    # Each home page shows its own town and neighbourhoods only.
    home = client.get("/", HTTP_HOST="rivemont.localhost:8000").content.decode()
    assert "Rivemont" in home and "Le Quai" in home and "Centre-Bourg" not in home
    home = client.get("/").content.decode()
    assert "Val-de-Lys" in home and "Le Quai" not in home


def _assert_demo_carpool() -> None:
    """Anne's request matches Samir's offer; they confirmed one ride."""
    from carpool.models import Match, Ride

    anne = Match.objects.filter(
        request__member__user__username="anne.martin@demo.smartcitizen.fr"
    )
    samir = "samir.benali@demo.smartcitizen.fr"
    assert anne.filter(offer__member__user__username=samir).count() == 1
    assert Match.objects.count() >= 2
    assert Ride.objects.filter(confirmed_at__isnull=False).count() == 1
