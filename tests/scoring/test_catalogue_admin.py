"""The action catalogue is edited in the Wagtail admin as snippets."""

import pytest
from django.contrib.auth.models import User

from scoring.models import ActionType

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("moderation@example.org", password="x-1234")
    client.force_login(user)
    return client


def test_moderators_list_and_add_catalogue_actions(admin_client, catalogue):
    listing = admin_client.get("/admin/snippets/scoring/actiontype/")
    assert listing.status_code == 200
    assert "velo travail" in listing.content.decode()
    created = admin_client.post(
        "/admin/snippets/scoring/actiontype/add/",
        {
            "code": "compost",
            "label": "Composter ses déchets",
            "description": "",
            "domain": "waste",
            "difficulty": "2",
            "commitment": "ongoing",
            "active": "on",
        },
    )
    assert created.status_code == 302
    action = ActionType.objects.get(code="compost")
    assert action.base_points == 60


def test_a_difficulty_outside_1_to_3_is_refused(admin_client):
    response = admin_client.post(
        "/admin/snippets/scoring/actiontype/add/",
        {
            "code": "exploit",
            "label": "Trop facile",
            "domain": "energy",
            "difficulty": "9",
            "commitment": "one_off",
        },
    )
    assert response.status_code == 200
    assert not ActionType.objects.filter(code="exploit").exists()
