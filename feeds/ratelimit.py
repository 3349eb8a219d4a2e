"""Per-member rate limits on writes, counted in the shared cache (Redis)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import Member


def check_rate(member: Member, scope: str) -> None:
    """Count one write of `scope`; raise a ValidationError past the limit.

    A fixed window per member: `add` creates the counter with its expiry, `incr`
    is atomic in Redis, so concurrent requests of one member count right.
    """
    limit, period = settings.SMARTCITIZEN[f"{scope.upper()}_RATE"]
    window = int(time.time() // period)
    key = f"feeds:rate:{scope}:{member.pk}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between add and incr: this write opens a new window.
        cache.set(key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        minutes = max(1, round(period / 60))
        raise ValidationError(
            _(
                "Vous avez beaucoup écrit ces dernières minutes : attendez un peu "
                "(au plus %(minutes)d min) avant de recommencer. Votre texte est "
                "conservé ci-dessous."
            )
            % {"minutes": minutes},
            code="rate_limited",
        )
