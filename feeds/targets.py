"""The pages a post hangs on that feeds does not own: challenges.

A post's `challenge_id` names a challenge page of the challenges app, which
sits above feeds (it shows its posts with feeds' queries). So that feeds
imports nothing above it, challenges registers its pages here from its
AppConfig.ready() (challenges/apps.py): which challenges are live and public
(search, `feeds.search_kinds`), and which are open to a member's posts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from community.models import Member


@dataclass(frozen=True)
class ChallengePages:
    # Live, public challenge pages (with `domain` and `neighbourhood_id`).
    visible: Callable[[], QuerySet]
    # The id of a live, not yet ended challenge of the member's town, else None.
    open_for: Callable[[Member, int], int | None]


_challenges: list[ChallengePages] = []


def register_challenge_pages(pages: ChallengePages) -> None:
    _challenges[:] = [pages]


def challenge_pages() -> ChallengePages | None:
    return _challenges[0] if _challenges else None
