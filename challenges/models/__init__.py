from .pages import ChallengeIndexPage, ChallengePage, GoalKind, Scope, TeamKind
from .participation import Badge, BadgeKind, LoggedAction, Participation
from .rewards import Redemption, Reward, Shop

__all__ = [
    "Badge",
    "BadgeKind",
    "ChallengeIndexPage",
    "ChallengePage",
    "GoalKind",
    "LoggedAction",
    "Participation",
    "Redemption",
    "Reward",
    "Scope",
    "Shop",
    "TeamKind",
]
