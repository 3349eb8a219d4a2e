"""Who a viewer does not want to hear from: the per-connection filter's source.

`realtime/` knows no blocks or mutes. The app that owns them (feeds) registers
one function `hidden_members(user) -> set[int]`, the ids of the members whose
events this user must not receive (blocked either way, muted), read in one
query. The consumer calls it once per connection and keeps the set up to date
from `viewer.hides` events on the user's private stream (`publish_hides`).
Without a registered function nobody hides anyone.
"""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

HiddenMembers = Callable[[User], set[int]]

_loader: HiddenMembers | None = None


def register(loader: HiddenMembers) -> None:
    """Declare where a user's hidden members come from (once; twice is harmless)."""
    global _loader
    if _loader is not None and _loader is not loader:
        raise ImproperlyConfigured(
            f"The hidden members of a viewer are already read by {_loader!r}."
        )
    _loader = loader


def hidden_members(user: User) -> set[int]:
    """The members whose events `user` does not receive (synchronous, a query)."""
    if _loader is None:
        return set()
    return set(_loader(user))
