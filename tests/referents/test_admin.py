"""The référent role in the Wagtail admin: a town's moderators grant and
withdraw it for their town's members; another town's moderators see nothing."""

import pytest
from django.urls import reverse

from community.models import Referent, Role
from tests.factories import NeighbourhoodFactory, make_member, make_staff, make_town

LIST = "referents_referent:list"
ADD = "referents_referent:add"


@pytest.fixture
def town_b(db):
    return make_town("Bville", hostname="bville.test")


def _form(town, member, **extra):
    return {
        "town": town.pk,
        "member": member.pk,
        "kind": "business",
        "title": "Maraîcher des Prés",
        "domains": ["local_food"],
        "active": "on",
        **extra,
    }


def test_a_moderator_grants_and_withdraws_in_their_town(client, town, member, town_b):
    stranger = make_member(town_b, neighbourhood=NeighbourhoodFactory(town=town_b))
    client.force_login(make_staff(town, Role.MODERATOR))
    form = client.get(reverse(ADD)).content.decode()
    assert member.display_name in form and "Bville" not in form
    response = client.post(reverse(ADD), _form(town, member))
    assert response.status_code == 302, response.content.decode()[:2000]
    role = Referent.objects.get()
    assert (role.member, role.town, role.kind, role.domains) == (
        member,
        town,
        "business",
        ["local_food"],
    )
    assert "Maraîcher des Prés" in client.get(reverse(LIST)).content.decode()
    # A member of another town cannot be chosen, nor another town.
    client.post(reverse(ADD), _form(town, stranger, title="Intrus"))
    client.post(reverse(ADD), _form(town_b, stranger, title="Intrus"))
    assert not Referent.objects.filter(title="Intrus").exists()
    # Withdrawn: active unticked.
    data = _form(town, member)
    del data["active"]
    edit = reverse("referents_referent:edit", args=[role.pk])
    assert client.post(edit, data).status_code == 302
    role.refresh_from_db()
    assert not role.active


def test_another_towns_moderator_sees_nothing(client, town, member, town_b):
    role = Referent.objects.create(
        town=town, member=member, title="Plombier", domains=["water"]
    )
    client.force_login(make_staff(town_b, Role.MODERATOR))
    assert "Plombier" not in client.get(reverse(LIST)).content.decode()
    for name in ("edit", "delete"):
        url = reverse(f"referents_referent:{name}", args=[role.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, _form(town, member)).status_code == 404, name
    assert Referent.objects.get().title == "Plombier"
    # A resident has no admin at all.
    client.force_login(member.user)
    assert client.get(reverse(LIST)).status_code in (302, 403)
