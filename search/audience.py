"""Who is searching: what a town's member may read that a visitor may not.

Tips, neighbourhoods, challenges and ambassadors are public pages. Posts and
comments are read by the town's members only (the feeds require a member), and
a member never sees the authors they blocked or muted, or who blocked them: the
search applies the same rules, in the query itself (`must_not`), so counts,
facets and pages agree.
"""

from dataclasses import dataclass, field

from elasticsearch.dsl import Q

from community.models import Member, TownPage
from search import registry
from search.registry import Entry


@dataclass(frozen=True)
class Audience:
    is_member: bool = False
    hidden_authors: frozenset[int] = field(default_factory=frozenset)


def audience_for(town: TownPage, member: Member | None) -> Audience:
    """A member of this town reads its feeds; anyone else reads public pages."""
    if member is None or member.town_id != town.pk:
        return Audience()
    return Audience(is_member=True, hidden_authors=registry.hidden_authors(member))


def must_not(audience: Audience) -> list[Q]:
    """The Elasticsearch clauses that leave out what this audience may not read."""
    if not audience.is_member:
        private = registry.members_only_names()
        return [Q("terms", kind=private)] if private else []
    if audience.hidden_authors:
        return [Q("terms", author_ids=sorted(audience.hidden_authors))]
    return []


def allows(audience: Audience, kind_members_only: bool, entry: Entry) -> bool:
    """The same rule for one entry of the database fallback."""
    if kind_members_only and not audience.is_member:
        return False
    return not audience.hidden_authors.intersection(entry.author_ids)
