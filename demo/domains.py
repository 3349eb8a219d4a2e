"""The demo's posts get the domain a resident would have chosen in the post form
(issue 18, « Domaines choisis »), so that « Mon fil » of a demo household shows
its domains first. Idempotent: only posts with no domain yet are touched."""

from community.domains import Domain
from community.models import TownPage

# First match wins, in this order (Samir's bike to the market is transport).
KEYWORDS = [
    (Domain.TRANSPORT, ("covoitur", "vélo")),
    (Domain.WATER, ("robinet", "chasse d'eau", "facture d'eau")),
    (Domain.WASTE, ("compost",)),
    (Domain.LOCAL_FOOD, ("amap", "panier", "potager", "récolte")),
    (Domain.ENERGY, ("thermostat", "linky", "veilles")),
]


def domain_of(body: str) -> str:
    text = body.lower()
    for domain, words in KEYWORDS:
        if any(word in text for word in words):
            return domain
    return ""


def seed_demo_domains(town: TownPage) -> None:
    """Give the town's demo posts their domain (a post already tagged is kept)."""
    from feeds.models import Post, PostTarget

    untagged = (
        Post.objects.filter(town=town, domain="")
        .exclude(target=PostTarget.TIP)
        .values_list("pk", "body")
    )
    by_domain: dict[str, list[int]] = {}
    for pk, body in untagged:
        domain = domain_of(body)
        if domain:
            by_domain.setdefault(domain, []).append(pk)
    for domain, ids in sorted(by_domain.items()):
        # Demo data, as demo/life.py dates its posts: one update per domain.
        Post.objects.filter(pk__in=ids).update(domain=domain)
