"""Objects of the local-life apps (issue 18) for the two security matrices.

Built on first use from a World and found again afterwards (each matrix
request runs in a savepoint rolled back after it, so a builder may run more
than once). Town B's carry the World's marker in their names and texts.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.security.conftest import World, client_key

# The day of the rides the matrices propose (a ride is of a past day).
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _marker(world: World) -> str:
    return world.marker


def event_index(world: World):
    from events.models import EventIndexPage
    from tests.events.helpers import make_event_index

    index = EventIndexPage.objects.child_of(world.town).first()
    return index.specific if index else make_event_index(world.town)


def event(world: World):
    """A coming event the resident organises."""
    from events.models import EventPage
    from tests.events.helpers import make_event

    found = EventPage.objects.descendant_of(world.town).first()
    if found is not None:
        return found
    return make_event(
        event_index(world),
        f"Café réparation{_marker(world)}",
        organiser=world.resident,
        summary=f"On répare ensemble{_marker(world)}.",
    )


def registration(world: World):
    """The other household's registration to the resident's event."""
    from events import actions
    from events.models import Registration

    the_event = event(world)
    found = Registration.objects.filter(event=the_event).first()
    if found is not None:
        return found
    return actions.check_register(world.other, the_event, 1).registration


def channel(world: World):
    from localtv.models import ChannelPage
    from tests.localtv.conftest import make_channel

    found = ChannelPage.objects.child_of(world.town).first()
    return found.specific if found else make_channel(world.town)


def propose_video_path(world: World) -> str:
    """The proposal form of the town's channel (made first)."""
    channel(world)
    return "/tele-locale/proposer/"


def business(world: World):
    from localshops.models import LocalBusiness

    found = LocalBusiness.objects.filter(town=world.town).order_by("pk").first()
    if found is not None:
        return found
    return LocalBusiness.objects.create(
        town=world.town, name=f"Ferme des Saules{_marker(world)}"
    )


def produce(world: World):
    from localshops.models import Produce

    found = Produce.objects.filter(town=world.town).first()
    if found is not None:
        return found
    return Produce.objects.create(
        town=world.town, name=f"Kiwi{_marker(world)}", months=1
    )


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile("ticket.jpg", out.getvalue(), "image/jpeg")


def purchase(world: World):
    """The resident's household's « J'ai acheté local », with its receipt."""
    from localshops import actions
    from localshops.models import LocalPurchase

    found = LocalPurchase.objects.filter(household=world.household).first()
    if found is not None:
        return found
    return actions.check_log_local_purchase(
        world.resident,
        business_id=business(world).pk,
        receipt=_jpeg(),
        client_key=client_key() + "-achat",
    ).purchase


def _trip(member, kind: str, world: World):
    from carpool import actions

    return actions.check_create_trip(
        member,
        kind=kind,
        seats=2,
        start=actions.TripEnd(world.neighbourhood, "Parking de la mairie", 45.05, 4.05),
        end=actions.TripEnd(
            world.other_neighbourhood, "Parvis de la gare", 45.06, 4.06
        ),
        regular=True,
        weekdays=[0, 1, 2, 3, 4],
        date=None,
        time=datetime.time(8, 0),
    )[0]


def trip(world: World):
    """The resident's offer (the other household's request matches it)."""
    from carpool.models import Trip

    found = Trip.objects.filter(member=world.resident).first()
    return found if found is not None else _trip(world.resident, "offer", world)


def match(world: World):
    from carpool.models import Match, Trip

    offer = trip(world)
    found = Match.objects.filter(offer=offer).first()
    if found is not None:
        return found
    if not Trip.objects.filter(member=world.other).exists():
        _trip(world.other, "request", world)
    return Match.objects.get(offer=offer)


def ride(world: World):
    """Yesterday's ride, proposed by the other member: the resident confirms."""
    from carpool import actions
    from carpool.models import Ride

    the_match = match(world)
    found = Ride.objects.filter(match=the_match).first()
    if found is not None:
        return found
    return actions.check_propose_ride(world.other, the_match, YESTERDAY)


def referent(world: World):
    """The other member is the town's energy référent."""
    from community.models import Referent

    found = Referent.objects.filter(member=world.other).first()
    if found is not None:
        return found
    return Referent.objects.create(
        town=world.town,
        member=world.other,
        title=f"Conseiller énergie{_marker(world)}",
        domains=["energy"],
    )


def question(world: World):
    """The resident's question on energy."""
    from referents.models import Question

    found = Question.objects.filter(author=world.resident).first()
    if found is not None:
        return found
    return Question.objects.create(
        town=world.town,
        author=world.resident,
        domain="energy",
        title=f"Quel thermostat choisir{_marker(world)} ?",
        body=f"Pour une maison de 1975{_marker(world)}.",
    )


def answer(world: World):
    """The référent's answer to it."""
    from referents.models import Answer

    the_question = question(world)
    found = Answer.objects.filter(question=the_question).first()
    if found is not None:
        return found
    referent(world)
    created = Answer.objects.create(
        question=the_question,
        author=world.other,
        body=f"Un thermostat programmable{_marker(world)}.",
    )
    the_question.answer_count = 1
    the_question.save(update_fields=["answer_count"])
    return created


def build_all(world: World) -> None:
    """Every object above, made before a matrix takes town B's fingerprint."""
    for builder in (registration, channel, produce, purchase, ride, answer):
        builder(world)
