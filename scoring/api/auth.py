"""Bearer-token check of the scoring API."""

import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from scoring.errors import Unauthorised


def check_bearer_token(request: HttpRequest) -> None:
    """Raise Unauthorised unless the request carries SCORING_CORE_TOKEN.

    With no token configured the API refuses everything: the site then uses its
    engine in process and nothing outside may reach it.
    """
    expected = settings.SCORING_CORE_TOKEN
    if not expected:
        raise Unauthorised(
            _("L'API de calcul des points n'est pas ouverte sur ce site."),
            code="api_disabled",
        )
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    # Constant-time comparison: response times do not leak the token.
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise Unauthorised(_("Jeton d'accès absent ou invalide."), code="unauthorized")
