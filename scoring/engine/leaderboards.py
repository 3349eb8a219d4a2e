"""`GET leaderboards/{challenge_id}`: rankings of teams that another app defines.

The challenges app owns challenges and their teams; the engine only ranks. That
app registers a function (in its AppConfig.ready) that describes a challenge's
leaderboard, or returns None for an id it does not know.

Two ways to rank, both fair across team sizes:
- by points earned per household (action goals, the default);
- by `metric` (reduction goals): the mean over the team's households of each
  household's change in % of that metric over the challenge's days, against
  its own baseline (docs/scoring-core.md). Lowest first. A neighbourhood team
  with fewer than `MIN_HOUSEHOLDS` contributing households gets no figure (the
  contract's 5-household rule for neighbourhood aggregates) and is listed last.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.errors import NotFound

from .periods import RANGE, Period
from .points import Standing, rank_teams
from .sensors import MIN_HOUSEHOLDS, household_changes

POINTS_PER_HOUSEHOLD = "points_per_household"
CHANGE_PCT = "change_pct"


@dataclass(frozen=True)
class LeaderboardSpec:
    """What to rank: team name -> household pks, within a time window.

    With `metric` set (`electricity_kwh`, `gas_kwh`, `water_l`), teams rank by
    the mean per household of the % change of that metric over the local days
    of `[since, until)`, both of which are then required.
    """

    teams: Mapping[str, Sequence[int]]
    team_kind: str = "household"  # "household" or "neighbourhood"
    since: datetime | None = None
    until: datetime | None = None
    action_codes: Sequence[str] | None = field(default=None)
    metric: str | None = None


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


def _points_row(s: Standing) -> dict:
    return {
        "rank": s.rank,
        "team": s.team,
        "households": s.households,
        "points": s.points,
        "points_per_household": s.points_per_household,
    }


def spec_period(spec: LeaderboardSpec) -> Period:
    """The local days of `[since, until)`, as a period of the sensor summaries."""
    if spec.since is None or spec.until is None:
        raise ValueError("a metric leaderboard needs since and until")
    start = timezone.localdate(spec.since)
    end = timezone.localdate(spec.until - timedelta(microseconds=1))
    return Period(RANGE, start, max(start, end))


def rank_by_change(spec: LeaderboardSpec, standings: Sequence[Standing]) -> list[dict]:
    """Rows ranked by the mean per household of each one's change in %, lowest first.

    Each household counts once in its team whatever its size, so a team of 2
    and a team of 20 compare on the same scale. Teams without a figure (no
    contributing household, or a neighbourhood team under MIN_HOUSEHOLDS) share
    the rank after the last ranked team.
    """
    members = sorted({pk for pks in spec.teams.values() for pk in pks})
    changes = household_changes(members, spec_period(spec), spec.metric or "")
    minimum = MIN_HOUSEHOLDS if spec.team_kind == "neighbourhood" else 1
    rows = []
    for standing in standings:
        found = [changes[pk] for pk in set(spec.teams[standing.team]) if pk in changes]
        mean = round(sum(found) / len(found), 1) if len(found) >= minimum else None
        rows.append(
            {
                **_points_row(standing),
                "contributing_households": len(found),
                "change_pct": mean,
            }
        )
    ranked = sorted(
        (row for row in rows if row["change_pct"] is not None),
        key=lambda row: (row["change_pct"], row["team"]),
    )
    unranked = sorted(
        (row for row in rows if row["change_pct"] is None),
        key=lambda row: row["team"],
    )
    for position, row in enumerate(ranked, start=1):
        before = ranked[position - 2] if position > 1 else None
        tied = before is not None and before["change_pct"] == row["change_pct"]
        row["rank"] = before["rank"] if tied else position
    for row in unranked:
        row["rank"] = len(ranked) + 1
    return ranked + unranked


def leaderboard(challenge_id: int) -> dict:
    """The ranked teams of a challenge, by points or by change in % per household."""
    for source in _sources:
        spec = source(challenge_id)
        if spec is not None:
            standings = rank_teams(
                spec.teams,
                since=spec.since,
                until=spec.until,
                action_codes=spec.action_codes,
            )
            body = {
                "challenge_id": challenge_id,
                "team_kind": spec.team_kind,
                "ranked_by": POINTS_PER_HOUSEHOLD,
            }
            if spec.metric:
                body.update(
                    ranked_by=CHANGE_PCT,
                    metric=spec.metric,
                    min_households=MIN_HOUSEHOLDS
                    if spec.team_kind == "neighbourhood"
                    else 1,
                    standings=rank_by_change(spec, standings),
                )
            else:
                body["standings"] = [_points_row(s) for s in standings]
            return body
    raise NotFound(_("Défi inconnu."), code="unknown_challenge")
