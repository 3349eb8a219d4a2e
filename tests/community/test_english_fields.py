"""English versions of the fields a visitor reads first, French when missing."""

import pytest
from django.urls import reverse

from community.templatetags.community_tags import localized


def test_the_home_page_intro_is_english_in_english_and_french_by_default(client, town):
    town.intro = "<p>Bienvenue dans le programme.</p>"
    town.intro_en = "<p>Welcome to the programme.</p>"
    town.save()

    body = client.get("/").content.decode()
    assert "Bienvenue dans le programme." in body
    assert "Welcome to the programme." not in body

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Welcome to the programme." in body
    assert "Bienvenue dans le programme." not in body


def test_a_page_without_its_english_text_shows_the_french_one(client, town):
    town.intro = "<p>Bienvenue dans le programme.</p>"
    town.save()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert "Bienvenue dans le programme." in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Astuces"), ("en", "Tips"), ("de", "Astuces")]
)
def test_localized_picks_the_active_language_else_french(language, expected):
    from django.utils import translation

    class Page:
        title = "Astuces"
        title_en = "Tips"

    with translation.override(language):
        assert localized(Page(), "title") == expected
