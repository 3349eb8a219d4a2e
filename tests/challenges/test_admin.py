"""Moderators create challenges in the Wagtail admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import rich_text

from challenges.models import ChallengeIndexPage, ChallengePage, GoalKind, Scope
from community import roles
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_a_moderator_creates_and_publishes_a_challenge(
    client, town, challenge_index, action_type, neighbourhood
):
    client.force_login(make_staff(town, roles.MODERATOR))
    add = reverse(
        "wagtailadmin_pages:add",
        args=["challenges", "challengepage", challenge_index.pk],
    )
    form = client.get(add)
    assert form.status_code == 200
    assert action_type.label in form.content.decode()
    today = timezone.localdate()
    answer = client.post(
        add,
        {
            "title": "Moins d'eau au Bourg",
            "slug": "moins-d-eau",
            "summary": "Un mois pour économiser l'eau.",
            "domain": "water",
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=30)).isoformat(),
            "scope": Scope.NEIGHBOURHOOD,
            "neighbourhood": neighbourhood.pk,
            "team_kind": "household",
            "goal_kind": GoalKind.ACTIONS,
            "goal_value": 4,
            "goal_metric": "",
            "action_types": [action_type.pk],
            "rules": rich_text("<p>Un foyer, une déclaration par jour.</p>"),
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
            "comments-MIN_NUM_FORMS": 0,
            "comments-MAX_NUM_FORMS": 1000,
            "action-publish": "publish",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    challenge = ChallengePage.objects.get(slug="moins-d-eau")
    assert challenge.live
    assert list(challenge.action_types.all()) == [action_type]
    assert challenge.url == "/defis/moins-d-eau/"


def test_a_neighbourhood_challenge_needs_its_neighbourhood(challenge_index):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    page = ChallengePage(
        title="Sans quartier",
        slug="sans-quartier",
        domain="water",
        start_date=today,
        end_date=today - timedelta(days=1),
        scope=Scope.NEIGHBOURHOOD,
        goal_kind=GoalKind.REDUCTION,
    )
    with pytest.raises(ValidationError) as refused:
        page.clean()
    assert set(refused.value.message_dict) == {
        "end_date",
        "neighbourhood",
        "goal_metric",
    }


def test_the_town_page_accepts_one_challenge_index(town, challenge_index):
    assert "challenges.ChallengeIndexPage" in type(town).subpage_types
    assert not ChallengeIndexPage.can_create_at(town)  # max one per town
