"""How active a followed household is: a level, never its private data."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import Onboarding
from community.models import HouseholdStatus


@dataclass(frozen=True)
class Activity:
    last: datetime | None
    label: str
    quiet: bool


def activity_of(onboarding: Onboarding, now: datetime) -> Activity:
    """From the annotations of `queries.followed_households` and the join date."""
    household = onboarding.household
    if household.status == HouseholdStatus.PRE_REGISTERED:
        last = getattr(onboarding, "last_assisted", None)
        return Activity(last, _("Pas encore inscrit sur le site"), quiet=False)
    moments = [
        getattr(onboarding, "last_login", None),
        getattr(onboarding, "last_assisted", None),
        household.joined_at,
    ]
    last = max((m for m in moments if m is not None), default=None)
    if last is None:
        return Activity(None, _("Aucune activité"), quiet=True)
    days = (now - last).days
    if days < 7:
        return Activity(last, _("Actif cette semaine"), quiet=False)
    if days < settings.SMARTCITIZEN["QUIET_HOUSEHOLD_DAYS"]:
        return Activity(last, _("Actif ce mois-ci"), quiet=False)
    label = ngettext(
        "Calme depuis %(days)d jour", "Calme depuis %(days)d jours", days
    ) % {"days": days}
    return Activity(last, label, quiet=True)
