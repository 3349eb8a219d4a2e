"""Every write of grid alerts: signal imports, flash launches, opt-ins.

A flash challenge is started once per (town, day) from an alert (the unique
`FlashLaunch` row, taken under a lock on the signal day); its page is created
through challenges' actions, and opted-in members are told through
`common.notify.send_notification` (verb « grid_alert »; push follows their
push preferences, docs/push.md), all in one transaction.
"""

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from challenges import actions as challenge_actions
from challenges import queries as challenge_queries
from challenges.models import ChallengePage, FlashLevel
from common.notify import send_notification
from community import roles
from community.models import Member, TownPage
from community.towns import page_path
from gridalerts import queries
from gridalerts.ecowatt import SignalDay
from gridalerts.models import (
    FlashLaunch,
    GridAlertOptIn,
    GridAlertSettings,
    GridSignalDay,
    Level,
)

logger = logging.getLogger(__name__)

GRID_ALERT_VERB = "grid_alert"
# A challenge event (push.payloads: the « challenge » kind).
FLASH_RESULTS_VERB = "challenge"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    launched: list[ChallengePage] = field(default_factory=list)


def do_import_signal(
    town: TownPage, days: list[SignalDay], *, source: str = ""
) -> ImportReport:
    """Store a town's signal days; a day turning orange or red starts its challenge.

    A day whose level, message and hours are those stored changes nothing (not
    even `imported_at`): the same signal twice is a no-op. One transaction.
    """
    report = ImportReport()
    with transaction.atomic():
        stored = {
            row.day: row
            for row in GridSignalDay.objects.select_for_update().filter(
                town=town, day__in=[day.day for day in days]
            )
        }
        for day in days:
            row = stored.get(day.day)
            hourly = list(day.hourly)
            was_alert = row is not None and row.is_alert
            if row is None:
                row = GridSignalDay.objects.create(
                    town=town,
                    day=day.day,
                    dvalue=day.dvalue,
                    message=day.message,
                    hourly=hourly,
                    source=source[:500],
                )
                report.created += 1
            elif (row.dvalue, row.message, row.hourly) == (
                day.dvalue,
                day.message,
                hourly,
            ):
                report.unchanged += 1
                continue
            else:
                row.dvalue, row.message, row.hourly = day.dvalue, day.message, hourly
                row.imported_at = timezone.now()
                row.source = source[:500]
                row.save(
                    update_fields=[
                        "dvalue",
                        "message",
                        "hourly",
                        "imported_at",
                        "source",
                    ]
                )
                report.updated += 1
            if row.is_alert and not was_alert:
                challenge = _launch_from_signal(town, row)
                if challenge is not None:
                    report.launched.append(challenge)
    return report


def _launch_from_signal(town: TownPage, signal: GridSignalDay) -> ChallengePage | None:
    """The alert day's challenge, unless one exists, the day is past or it is off."""
    config = queries.settings_for(town)
    if not config.flash_enabled or signal.day < timezone.localdate():
        return None
    if FlashLaunch.objects.filter(
        town=town, day=signal.day, signal__isnull=False
    ).exists():
        return None
    index = queries.challenge_index_of(town)
    if index is None:
        logger.warning("town %s has no challenge index: no flash challenge", town.pk)
        return None
    level = FlashLevel.RED if signal.dvalue == Level.RED else FlashLevel.ORANGE
    # Pages are written in the site's language (French first).
    with override("fr"):
        title = (
            _("Alerte rouge du %(day)s : réduisons notre consommation")
            if level == FlashLevel.RED
            else _("Alerte orange du %(day)s : réduisons notre consommation")
        ) % {"day": formats.date_format(signal.day, "j F")}
    spec = challenge_actions.FlashSpec(
        title=title,
        day=signal.day,
        hours=config.hours_for(signal.hourly),
        goal=config.goal,
        domain=config.domain,
        participation_points=config.participation_points,
        points_per_kwh=config.points_per_kwh,
        level=level,
        reason=signal.message,
    )
    return _launch(town, spec, signal=signal, started_by=None)


def _launch(
    town: TownPage,
    spec: challenge_actions.FlashSpec,
    *,
    signal: GridSignalDay | None,
    started_by: User | None,
) -> ChallengePage | None:
    index = queries.challenge_index_of(town)
    if index is None:
        return None
    with transaction.atomic():
        challenge = challenge_actions.do_create_flash_challenge(index, spec)
        FlashLaunch.objects.create(
            town=town,
            day=spec.day,
            challenge=challenge,
            signal=signal,
            started_by=started_by,
        )
        _tell_opted_in(town, challenge, spec)
    return challenge


def _tell_opted_in(
    town: TownPage, challenge: ChallengePage, spec: challenge_actions.FlashSpec
) -> None:
    """One notification per opted-in member of the town (pushed per their choice)."""
    with override("fr"):
        excerpt = _("%(title)s — le %(day)s, %(hours)s") % {
            "title": spec.title,
            "day": formats.date_format(spec.day, "j F"),
            "hours": challenge.flash.hours_label(),
        }
    for user_id in queries.opted_in_user_ids(town):
        send_notification(
            user_id,
            actor=challenge,
            verb=GRID_ALERT_VERB,
            target=challenge,
            data={
                "kind": GRID_ALERT_VERB,
                "url": page_path(challenge),
                "title": spec.title,
                "excerpt": excerpt,
                "actor_name": town.title,
            },
        )


def do_tell_flash_results(challenge: ChallengePage) -> int:
    """Tell the members of each household scored that the results are in.

    A challenge event (verb « challenge »: pushed under the member's
    « Défis et badges » choice); the words are the site's, no figure of the
    household. Returns the number of members told.
    """
    user_ids = list(
        Member.objects.filter(
            household_id__in=challenge.flash_results.values("household_id")
        )
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    town = challenge_queries.town_of(challenge)
    with override("fr"):
        title = _("Résultats du défi flash")
        excerpt = _(
            "« %(title)s » : les résultats de votre foyer et de la commune."
        ) % {"title": challenge.title}
    for user_id in user_ids:
        send_notification(
            user_id,
            actor=challenge,
            verb=FLASH_RESULTS_VERB,
            target=challenge,
            data={
                "kind": FLASH_RESULTS_VERB,
                "url": page_path(challenge),
                "title": title,
                "excerpt": excerpt,
                "actor_name": town.title if town is not None else "",
            },
        )
    return len(user_ids)


def check_start_flash(
    user: User, town: TownPage, spec: challenge_actions.FlashSpec
) -> ChallengePage:
    """A moderator starts a flash challenge by hand (a heat wave, a water cut)."""
    if not roles.is_moderator(user, town):
        raise PermissionDenied
    challenge = _launch(town, spec, signal=None, started_by=user)
    if challenge is None:
        raise ValidationError(_("Cette commune n'a pas encore de page des défis."))
    return challenge


def do_save_settings(config: GridAlertSettings) -> None:
    """Save a town's settings as its moderator's form cleaned them."""
    config.save()


def do_set_opt_in(member: Member, wanted: bool) -> bool:
    """Opt the member in to grid alerts, or out; returns the new state."""
    if wanted:
        GridAlertOptIn.objects.get_or_create(member=member)
    else:
        GridAlertOptIn.objects.filter(member=member).delete()
    return wanted
