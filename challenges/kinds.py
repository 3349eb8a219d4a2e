"""What challenges registers with the layers below and beside it.

Its pages for feeds (the challenges a post may hang on, `feeds.targets`), its
search kind (challenge pages, `search.registry`), and its part of a
household's « Mes données » archive and erasure (`common.kinds`). Called once
from ChallengesConfig.ready().
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from challenges import home as challenges_home
from challenges.actions import check_join
from challenges.models import (
    Badge,
    ChallengePage,
    FlashResult,
    LoggedAction,
    Participation,
    Redemption,
)
from challenges.near_me import open_challenges_near
from common import kinds
from common.archive import Archive, iso, rows
from community import home, welcome
from community.models import Household, Member, TownPage
from feeds.targets import ChallengePages, register_challenge_pages
from search.kinds import PageKind, path_in_site, published_at
from search.registry import Entry, Kind, page_dependents, register


def visible_challenges() -> QuerySet:
    """Live, public challenge pages (their posts are searchable)."""
    return ChallengePage.objects.live().public()


def open_challenge_id(member: Member, challenge_id: int) -> int | None:
    """The id of a live, not yet ended challenge of the member's town, else None."""
    challenge = (
        ChallengePage.objects.live()
        .descendant_of(member.town)
        .filter(pk=challenge_id)
        .first()
    )
    if challenge is None or challenge.has_ended():
        return None
    return challenge.pk


class ChallengeKind(PageKind):
    name = "challenge"
    label = _("Défis")
    model = ChallengePage

    def _bulk_entry(self, challenge: ChallengePage, town: TownPage) -> Entry:
        return Entry(
            kind=self.name,
            pk=challenge.pk,
            town_id=town.pk,
            title=challenge.title,
            url=path_in_site(challenge, town),
            summary=challenge.summary,
            text=strip_tags(challenge.rules or ""),
            domain=challenge.domain,
            neighbourhood_id=challenge.neighbourhood_id,
            published_at=published_at(challenge),
        )

    def dependents(self, pk: int) -> Iterable[tuple[Kind, int]]:
        """The challenge's posts and their comments."""
        return page_dependents(pk)


def export_household(member: Member, archive: Archive) -> None:
    """actions.json: the household's logged actions, challenges, badges, rewards."""
    household_id = member.household_id
    if household_id is None:
        return
    logged = []
    for action in LoggedAction.objects.filter(household_id=household_id).select_related(
        "action_type"
    ):
        photo = ""
        if action.photo:
            photo = f"images/preuves/{action.photo.name.rsplit('/', 1)[-1]}"
            archive.files.append((photo, action.photo.name))
        logged.append(
            {
                "defi": action.challenge_id,
                "action": action.action_type.code,
                "domaine": action.action_type.domain,
                "faite_le": iso(action.occurred_at),
                "declaree_le": iso(action.created_at),
                "par_vous": action.member_id == member.pk,
                "preuve": action.proof,
                "photo": photo,
                "points": action.points_awarded,
            }
        )
    archive.section("actions.json").update(
        {
            "actions_declarees": logged,
            "defis": rows(
                Participation.objects.filter(household_id=household_id),
                ["challenge_id", "joined_at", "left_at"],
            ),
            "badges": rows(
                Badge.objects.filter(household_id=household_id),
                ["challenge_id", "kind", "awarded_at"],
            ),
            "defis_flash": rows(
                FlashResult.objects.filter(household_id=household_id),
                [
                    "challenge_id",
                    "measured",
                    "baseline_kwh",
                    "actual_kwh",
                    "saved_kwh",
                    "points",
                    "created_at",
                ],
            ),
            "bons_d_achat": rows(
                Redemption.objects.filter(household_id=household_id),
                ["reward_id", "points", "code", "created_at", "used_at"],
            ),
        }
    )


def erase_household(household: Household, files: list[str]) -> None:
    """A household that left: its proof photos go (the rows stay, for the
    challenge's counts, without the picture)."""
    for action in LoggedAction.objects.filter(household=household).exclude(photo=""):
        files.append(action.photo.name)
        action.photo = ""
        action.save(update_fields=["photo"])


def register_all() -> None:
    """Called once from ChallengesConfig.ready()."""
    register_challenge_pages(
        ChallengePages(visible=visible_challenges, open_for=open_challenge_id)
    )
    register(ChallengeKind())
    kinds.register_export(
        export_household,
        # The lines of the archive's LISEZMOI.txt (mydata/exporting.py).
        describes=(
            "- actions.json : les actions, défis, badges, "
            "astuces faites et bons d'achat de\n"
            "  votre foyer ;"
        ),
    )
    kinds.register_household_eraser(erase_household)
    home.register_section(challenges_home.home_section)
    welcome.register_challenge_offers(
        welcome.ChallengeOffers(open_near=open_challenges_near, join=check_join)
    )
