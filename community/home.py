"""A member's home (the town's root page, signed in): what happens near them today.

Composed from sections the apps above register from their AppConfig.ready()
(`register_section`): feeds adds the neighbours' posts (feeds/kinds.py),
challenges the household's challenges, next date and points
(challenges/home.py). community imports none of them. Each section reads in a
fixed number of queries whatever the number of posts, challenges or offers
(tests/community/test_welcome.py).
"""

from collections.abc import Callable

from django.utils import timezone

from community.models import Member

# section(member, home): adds its keys to the home's context.
Section = Callable[[Member, dict], None]

_sections: list[Section] = []


def register_section(section: Section) -> None:
    """Add a section to every member's home, after those registered before."""
    if section not in _sections:
        _sections.append(section)


def member_home(member: Member) -> dict:
    """Everything the member's home shows, read once."""
    home: dict = {
        "member": member,
        "today": timezone.localdate(),
        "welcome_unfinished": False,
    }
    for section in _sections:
        section(member, home)
    if member.household is not None:
        home["household"] = member.household
        home["welcome_unfinished"] = member.welcome_completed_at is None
    return home
