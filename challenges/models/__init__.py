from .flash import FlashLevel, FlashResult, FlashWindow
from .pages import ChallengeIndexPage, ChallengePage, GoalKind, Scope, TeamKind
from .participation import (
    ActionStatus,
    Badge,
    BadgeKind,
    LoggedAction,
    Participation,
)
from .rewards import Redemption, Reward, Shop

__all__ = [
    "ActionStatus",
    "Badge",
    "BadgeKind",
    "ChallengeIndexPage",
    "ChallengePage",
    "FlashLevel",
    "FlashResult",
    "FlashWindow",
    "GoalKind",
    "LoggedAction",
    "Participation",
    "Redemption",
    "Reward",
    "Scope",
    "Shop",
    "TeamKind",
]
