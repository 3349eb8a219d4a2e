"""The account name django-axes counts failed logins under (docs/security.md).

axes stores the typed name in `AccessAttempt.username`, a varchar(255), before
any form has checked its length: Django's `AuthenticationForm` (Wagtail's
`_util/login/` and the admin's login) sets `max_length` after building its field,
so no length validator runs. A longer name made the insert fail with a 500.
Cut here, such a name is a failed login like any other: no account is longer
than 150 characters, so the cut merges no real account with another.
"""

from django.http import HttpRequest

# axes.models.AccessAttempt.username and AccessFailureLog.username.
USERNAME_COLUMN_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The name axes records: axes' own choice, at most the column's length."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if not isinstance(username, str):
        return username
    return username[:USERNAME_COLUMN_LENGTH]
