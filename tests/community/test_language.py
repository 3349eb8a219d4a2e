from django.urls import reverse

from community.models import Member
from tests.factories import PASSWORD


def test_the_site_speaks_french_by_default(client, town):
    body = client.get("/").content.decode()
    assert '<html lang="fr">' in body
    assert "Comment participer" in body


def test_the_switcher_turns_the_site_to_english_and_back(client, town):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "How to take part" in body
    assert "Comment participer" not in body

    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Comment participer" in client.get("/").content.decode()


def test_an_unknown_language_changes_nothing(client, town):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_a_member_s_choice_is_remembered_at_the_next_login(client, member):
    client.force_login(member.user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    member.refresh_from_db()
    assert member.preferred_language == "en"

    other_device = type(client)()
    other_device.post(
        reverse("login"), {"username": member.user.email, "password": PASSWORD}
    )
    assert '<html lang="en">' in other_device.get("/").content.decode()
    assert Member.objects.get(pk=member.pk).preferred_language == "en"


def test_a_browser_asking_for_english_still_gets_french_first(client, town):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="fr">' in response.content.decode()
    assert response.headers["Content-Language"] == "fr"


def test_english_chosen_before_logging_in_survives_the_login(client, member):
    assert member.preferred_language == "fr"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("login"), {"username": member.user.email, "password": PASSWORD})
    assert '<html lang="en">' in client.get("/").content.decode()
    # The choice becomes the profile's, so the next device speaks it too.
    assert Member.objects.get(pk=member.pk).preferred_language == "en"


def test_without_a_choice_the_profile_s_language_applies_at_login(client, member):
    Member.objects.filter(pk=member.pk).update(preferred_language="en")
    client.post(reverse("login"), {"username": member.user.email, "password": PASSWORD})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_choice_made_before_a_logout_does_not_rewrite_the_next_profile(
    client, member
):
    # Someone chose English, logged in and out; the next person on the same
    # browser keeps their own profile's language on it.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("logout"))
    Member.objects.filter(pk=member.pk).update(preferred_language="fr")
    client.post(reverse("login"), {"username": member.user.email, "password": PASSWORD})
    assert '<html lang="fr">' in client.get("/").content.decode()
    assert Member.objects.get(pk=member.pk).preferred_language == "fr"
