"""The ambassadors' Wagtail pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ambassadors.models import AmbassadorIndexPage, AmbassadorPage
from community.models import TownPage
from tests.ambassadors.conftest import logged_in


def test_a_town_accepts_one_ambassador_index(town):
    assert AmbassadorIndexPage in TownPage.allowed_subpage_models()
    assert AmbassadorPage in AmbassadorIndexPage.allowed_subpage_models()


def test_index_and_ambassador_pages_render(
    ambassador_index, ambassador, neighbourhood, client, django_assert_max_num_queries
):
    page = AmbassadorPage.objects.get(user=ambassador)
    page.bio = "Étudiante, je fais ma service civique à la commune."
    page.permanences = [
        (
            "permanence",
            {
                "weekday": "3",
                "start": datetime.time(14, 0),
                "end": datetime.time(17, 0),
                "place": "Médiathèque",
                "note": "",
            },
        )
    ]
    page.save_revision().publish()

    with django_assert_max_num_queries(20):
        index = client.get(ambassador_index.url)
    assert index.status_code == 200
    assert "Lea" in index.content.decode()
    assert neighbourhood.name in index.content.decode()

    detail = client.get(page.url).content.decode()
    assert "Étudiante" in detail
    assert "Mercredi" in detail and "14:00" in detail and "Médiathèque" in detail
    assert neighbourhood.name in detail


def test_one_page_per_ambassador_account(ambassador_index, ambassador):
    duplicate = AmbassadorPage(title="Double", slug="double", user=ambassador)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_the_index_lists_only_live_ambassadors(ambassador_index, ambassador, client):
    page = AmbassadorPage.objects.get(user=ambassador)
    page.unpublish()
    assert "Lea" not in client.get(ambassador_index.url).content.decode()
    # The doorstep pages still work: coverage is the page's stored neighbourhoods.
    assert logged_in(ambassador).get("/ambassadeurs/tournee/").status_code == 200


def test_moderators_edit_ambassador_pages_in_the_admin(
    ambassador_index, ambassador, moderator, neighbourhood
):
    from django.urls import reverse

    client = logged_in(moderator)
    add = reverse(
        "wagtailadmin_pages:add",
        args=["ambassadors", "ambassadorpage", ambassador_index.pk],
    )
    response = client.get(add)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quartiers couverts" in html and "permanences" in html.lower()
    page = AmbassadorPage.objects.get(user=ambassador)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    assert neighbourhood.name in edit.content.decode()
