"""Every write to the challenges tables goes through here (split by domain)."""

from .challenges import (
    PENDING_BATCH,
    LogResult,
    SendReport,
    check_confirm_action,
    check_join,
    check_log_action,
    do_award_reduction_goals,
    do_leave,
    do_publish_leaderboard,
    do_send_pending_actions,
)
from .flash import (
    FlashSpec,
    HouseholdOutcome,
    do_create_flash_challenge,
    do_mark_flash_scored,
    do_record_flash_result,
)
from .rewards import RedeemResult, check_redeem, check_use_code

__all__ = [
    "FlashSpec",
    "HouseholdOutcome",
    "do_create_flash_challenge",
    "do_mark_flash_scored",
    "do_record_flash_result",
    "PENDING_BATCH",
    "LogResult",
    "RedeemResult",
    "SendReport",
    "check_confirm_action",
    "check_join",
    "check_log_action",
    "check_redeem",
    "check_use_code",
    "do_award_reduction_goals",
    "do_leave",
    "do_publish_leaderboard",
    "do_send_pending_actions",
]
