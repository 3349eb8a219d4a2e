"""Per-member rate limits on writes (posts, comments, chat, tips, challenge
actions), counted in the shared cache (Redis)."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from community.models import Member
from community.towns import policy
from config.ratelimit import count_hit


def check_rate(member: Member, scope: str, message: str | None = None) -> None:
    """Count one write of `scope`; raise a ValidationError past the limit.

    A fixed window per member (`config.ratelimit.count_hit`, atomic in Redis):
    concurrent requests of one member count right. `message` replaces the
    default one (about writing) for scopes that are not text.
    """
    limit, period = policy(member.town).rates[scope]
    count, left = count_hit(f"feeds:rate:{scope}:{member.pk}", period)
    if count > limit:
        minutes = max(1, math.ceil(left / 60))
        raise ValidationError(
            (
                message
                or _(
                    "Vous avez beaucoup écrit ces dernières minutes : attendez un "
                    "peu (au plus %(minutes)d min) avant de recommencer. Votre "
                    "texte est conservé ci-dessous."
                )
            )
            % {"minutes": minutes},
            code="rate_limited",
        )
