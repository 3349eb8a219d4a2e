"""The demo town's local life (issue 18): each part seeds itself, once.

Called for the demo town on a fresh database and on one seeded before these
parts existed (seed_demo), so every step must leave an existing part as it is.
"""

from community.models import TownPage
from demo.carpool import seed_demo_carpool
from demo.domains import seed_demo_domains
from demo.events import seed_demo_events
from demo.localshops import seed_demo_localshops
from demo.localtv import seed_demo_localtv
from demo.referents import seed_demo_referents


def seed_demo_local_life(town: TownPage) -> None:
    """Référents and questions, events, car-pooling, producers, the local channel."""
    seed_demo_carpool(town)
    seed_demo_localshops(town)
    seed_demo_localtv(town)
    seed_demo_events(town)
    seed_demo_domains(town)
    seed_demo_referents(town)
