"""The demo town's local life (issue 18): each part seeds itself, once.

Called for the demo town on a fresh database and on one seeded before these
parts existed (seed_demo), so every step must leave an existing part as it is.
"""

from community.models import TownPage
from demo.referents import seed_demo_referents


def seed_demo_local_life(town: TownPage) -> None:
    """Référents and questions, events, car-pooling, producers, the local channel."""
    seed_demo_referents(town)
