"""Who is a référent, read once per page (community/models/referents.py)."""

from collections.abc import Iterable

from community.models import Member, Referent


def active_referents(member_ids: Iterable[int]) -> dict[int, Referent]:
    """The active référents among these members, by member id: one query."""
    ids = {member_id for member_id in member_ids if member_id is not None}
    if not ids:
        return {}
    return {
        referent.member_id: referent
        for referent in Referent.objects.filter(member_id__in=ids, active=True)
    }


def referent_of(member: Member) -> Referent | None:
    """The member's active référent role, or None (one query)."""
    return Referent.objects.filter(member=member, active=True).first()


def referents_of_domain(town_id: int, domain: str) -> list[Referent]:
    """The town's active référents of a domain, with their members (one query)."""
    return [
        referent
        for referent in Referent.objects.filter(town_id=town_id, active=True)
        .select_related("member")
        .order_by("pk")
        if domain in referent.domains
    ]
