"""A newcomer's first day on a phone, in French and in English (issue 12's bar).

Sign-up with the code an ambassador left at the door → the three welcome steps
→ a first post with a picture → « J'ai agi » in the challenge joined on the
way → a reward for the points earned. Every page visited passes axe-core, and
the header stays within 120 px of the 667 px screen.

English: the language is chosen with the header's buttons before sign-up. The
strings of the welcome path are new and get their English in the translation
pass after the merge, so in English the test checks the page's `lang`, the
English of strings already in locale/en (form labels, buttons, domain names,
messages) and the structure (step indicator, progress), never the new wording.
"""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from ambassadors.models import Onboarding
from challenges.models import Participation, Redemption, Reward, Scope, Shop
from community import roles
from community.models import Member
from moderation import trust
from tests.browser.conftest import PHONE
from tests.browser.support import assert_accessible, expect
from tests.challenges.conftest import (
    make_action_type,
    make_challenge,
    make_challenge_index,
)
from tests.factories import PASSWORD, make_household, make_invitation, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER_MAX_PX = 120

# What the walk reads or clicks, in each language. The English is what
# locale/en/LC_MESSAGES/django.po already says; None where the string is new
# (then the test finds the control by its place in the page).
WORDS = {
    "fr": {
        "create": "Créer mon compte",
        "water": "Eau",
        "energy": "Énergie",
        "message": "Votre message",
        "images": "Images (facultatif)",
        "publish": "Publier",
        "action": "Mon action",
        "save_action": "Enregistrer mon action",
        "bravo": "Bravo ! 10 points pour votre foyer.",
        "redeem": "Échanger mes points",
    },
    "en": {
        "create": "Create my account",
        "water": "Water",
        "energy": "Energy",
        "message": "Your message",
        "images": "Images (optional)",
        "publish": "Post",
        "action": "My action",
        "save_action": "Save my action",
        "bravo": "Well done! 10 points for your household.",
        "redeem": "Exchange my points",
    },
}


@pytest.fixture
def door(live_town, live_neighbourhood):
    """A household an ambassador pre-registered at its door, with its card's
    code; a challenge of its neighbourhood; a shop with an offer of 10 points."""
    ambassador = make_staff(live_town, roles.AMBASSADOR)
    household = make_household(live_neighbourhood)  # energy, chosen at the door
    Onboarding.objects.create(household=household, ambassador=ambassador)
    action_type = make_action_type()
    action_type.label = "Douche de 5 minutes"
    action_type.save(update_fields=["label"])
    challenge = make_challenge(
        make_challenge_index(live_town),
        [action_type],
        scope=Scope.NEIGHBOURHOOD,
        neighbourhood=live_neighbourhood,
    )
    shop = Shop.objects.create(town=live_town, name="Boulangerie du Parc")
    reward = Reward.objects.create(shop=shop, title="Une baguette", points=10)
    return {
        "household": household,
        "code": make_invitation(household).code,
        "challenge": challenge,
        "reward": reward,
    }


def _picture(folder: Path) -> Path:
    path = folder / "jardin-partage.png"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "#3a7").save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_newcomer_walks_from_sign_up_to_a_reward(
    new_context, asgi_server, live_neighbourhood, door, settings, tmp_path, language
):
    words = WORDS[language]
    page = new_context(**PHONE).new_page()
    headers: dict[str, float] = {}

    def visited() -> None:
        """Each page of the walk: its language, axe, and the header's height."""
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
        box = page.locator(".site-header").bounding_box()
        headers[page.url] = box["height"]

    # The card's link; the language chosen with the header's buttons.
    page.goto(f"/compte/inscription/?code={door['code']}")
    if language == "en":
        # On a phone the switch is in the header's menu: open it first.
        nav = page.get_by_role("navigation", name="Navigation principale")
        nav.get_by_text("Menu", exact=True).click()
        with page.expect_navigation():
            nav.get_by_role("button", name="EN").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    visited()
    expect(page.locator("input[name=code]")).to_have_value(door["code"])
    page.locator("input[name=display_name]").fill("Nadia K.")
    page.locator("input[name=email]").fill(f"nadia.{language}@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words["create"]).click()

    # Step 1: the domain chosen at the door is ticked; water is added.
    expect(page).to_have_url(re.compile("/bienvenue/domaines/$"))
    visited()
    current = page.locator(".welcome-steps li[aria-current=step]")
    expect(current).to_have_count(1)
    expect(page.locator(".welcome-steps li").first).to_have_attribute(
        "aria-current", "step"
    )
    if language == "fr":
        expect(page.get_by_text("Étape 1 sur 3")).to_be_visible()
        expect(page.get_by_role("link", name="Passer")).to_be_visible()
    expect(page.get_by_label(words["energy"])).to_be_checked()
    page.get_by_label(words["water"]).check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # Step 2: meters, later.
    expect(page).to_have_url(re.compile("/bienvenue/compteurs/$"))
    visited()
    expect(page.locator(".welcome-steps li").nth(1)).to_have_attribute(
        "aria-current", "step"
    )
    later = page.locator(".welcome .actions a.button-secondary")
    if language == "fr":
        expect(later).to_have_text("Plus tard")
    with page.expect_navigation():
        later.click()

    # Step 3: the neighbourhood's challenge, joined.
    expect(page).to_have_url(re.compile("/bienvenue/defi/$"))
    visited()
    with page.expect_navigation():
        page.locator(".welcome-challenges form button[type=submit]").first.click()

    # Home: greeting, the challenge with its progress, the points.
    expect(page).to_have_url(re.compile(r"/$"))
    visited()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nadia K.")
    progress = page.locator(".home-challenge progress")
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator(".home-challenge h3")).to_have_text(door["challenge"].title)

    member = Member.objects.get(user__username=f"nadia.{language}@example.org")
    assert member.preferred_language == language
    assert member.household_id == door["household"].pk
    assert member.household.domains == ["energy", "water"]
    assert member.welcome_done == ["domaines", "defi"]
    assert Participation.objects.filter(
        household_id=member.household_id, challenge=door["challenge"]
    ).exists()
    # Confirmed at the door: a picture is allowed from the first day, also
    # under the production trust limits (the test settings lift them).
    settings.SMARTCITIZEN = {
        **settings.SMARTCITIZEN,
        "MODERATION": {
            **settings.SMARTCITIZEN["MODERATION"],
            "NEW_MEMBER_DAYS": 3,
            "NEW_MEMBER_ACTIVITY": 3,
        },
    }
    assert trust.household_confirmed(member)
    assert trust.trust_level(member) == trust.TrustLevel.MEMBER

    # A first post with a picture, through the neighbourhood's post form.
    page.goto(f"/quartiers/{live_neighbourhood.slug}/")
    visited()
    page.get_by_label(words["message"]).fill("Bonjour ! Le jardin partagé ce matin.")
    page.get_by_label(words["images"]).set_input_files(str(_picture(tmp_path)))
    with page.expect_navigation():
        page.get_by_role("button", name=words["publish"], exact=True).click()
    visited()
    first = page.locator(".post").first
    expect(first.locator(".post-body")).to_have_text(
        "Bonjour ! Le jardin partagé ce matin."
    )
    expect(first.locator(".post-images img")).to_be_visible()

    # « J'ai agi » from the home's challenge card.
    page.goto("/")
    visited()
    expect(page.locator(".home-post .home-thumbnails img").first).to_be_visible()
    with page.expect_navigation():
        page.locator(".home-challenge a.button").first.click()
    visited()
    page.get_by_label(words["action"]).select_option(label="Douche de 5 minutes")
    with page.expect_navigation():
        page.get_by_role("button", name=words["save_action"]).click()
    visited()
    expect(page.get_by_text(words["bravo"])).to_be_visible()

    # The reward the 10 points pay for.
    page.goto("/recompenses/")
    visited()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(words["redeem"])).click()
    visited()
    redemption = Redemption.objects.get(household_id=member.household_id)
    assert redemption.reward_id == door["reward"].pk
    expect(page.locator("main")).to_contain_text(redemption.code)

    # Last, so that the walk above is checked even while the header is tall:
    # the compact header of issue 12 is built in another branch.
    too_tall = {url: h for url, h in headers.items() if h > HEADER_MAX_PX}
    assert not too_tall, f"header taller than {HEADER_MAX_PX} px: {too_tall}"
