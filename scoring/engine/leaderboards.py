"""`GET leaderboards/{challenge_id}`: rankings of teams that another app defines.

The challenges app owns challenges and their teams; the engine only ranks. That
app registers a function (in its AppConfig.ready) that describes a challenge's
leaderboard, or returns None for an id it does not know.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from scoring.errors import NotFound

from .points import rank_teams


@dataclass(frozen=True)
class LeaderboardSpec:
    """What to rank: team name -> household pks, within a time window."""

    teams: Mapping[str, Sequence[int]]
    team_kind: str = "household"  # "household" or "neighbourhood"
    since: datetime | None = None
    until: datetime | None = None
    action_codes: Sequence[str] | None = field(default=None)


LeaderboardSource = Callable[[int], LeaderboardSpec | None]
_sources: list[LeaderboardSource] = []


def register_leaderboard_source(source: LeaderboardSource) -> None:
    """Let an app describe the leaderboards of the challenges it owns."""
    if source not in _sources:
        _sources.append(source)


def unregister_leaderboard_source(source: LeaderboardSource) -> None:
    """Undo `register_leaderboard_source` (tests)."""
    if source in _sources:
        _sources.remove(source)


def leaderboard(challenge_id: int) -> dict:
    """The ranked teams of a challenge, by points per household."""
    for source in _sources:
        spec = source(challenge_id)
        if spec is not None:
            standings = rank_teams(
                spec.teams,
                since=spec.since,
                until=spec.until,
                action_codes=spec.action_codes,
            )
            return {
                "challenge_id": challenge_id,
                "team_kind": spec.team_kind,
                "standings": [
                    {
                        "rank": s.rank,
                        "team": s.team,
                        "households": s.households,
                        "points": s.points,
                        "points_per_household": s.points_per_household,
                    }
                    for s in standings
                ],
            }
    raise NotFound(_("Défi inconnu."), code="unknown_challenge")
