"""Per-member rate limits on writes, counted in the shared cache (Redis)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import Member
from config.ratelimit import count_hit


def check_rate(member: Member, scope: str) -> None:
    """Count one write of `scope`; raise a ValidationError past the limit.

    A fixed window per member (`config.ratelimit.count_hit`, atomic in Redis):
    concurrent requests of one member count right.
    """
    limit, period = settings.SMARTCITIZEN[f"{scope.upper()}_RATE"]
    count, _left = count_hit(f"feeds:rate:{scope}:{member.pk}", period)
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
