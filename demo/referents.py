"""The demo town's référents and their questions: an energy adviser, a
plumber, a market gardener (a business), a cycling association's volunteer;
questions in several domains, one solved with a helpful answer, one left
unanswered for more than 72 h (the moderators' list shows it).

Idempotent: a town that has référents already is left as it is.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from community.models import Referent, ReferentKind, TownPage
from demo.life import _cast
from referents.models import Answer, HelpfulVote, Question

# cast key, kind, title, domains
REFERENTS = [
    ("regular-0", ReferentKind.PERSON, "Conseillère France Rénov'", ["energy"]),
    ("regular-2", ReferentKind.BUSINESS, "Plomberie Dumas", ["water", "energy"]),
    ("regular-3", ReferentKind.BUSINESS, "Les Jardins du Moulin", ["local_food"]),
    ("regular-5", ReferentKind.PERSON, "Atelier vélo Roue Libre", ["transport"]),
]


@transaction.atomic
def seed_demo_referents(town: TownPage) -> None:
    """Référents, questions and answers of the demo town, once."""
    if Referent.objects.filter(town=town).exists():
        return
    now = timezone.now()
    cast = _cast(town, now)
    for key, kind, title, domains in REFERENTS:
        Referent.objects.create(
            town=town,
            member=cast[key],
            kind=kind,
            title=title,
            domains=domains,
            granted_at=now - timedelta(days=40),
        )

    def ask(author, domain, title, body, hours_ago):
        return Question.objects.create(
            town=town,
            author=cast[author],
            domain=domain,
            title=title,
            body=body,
            created_at=now - timedelta(hours=hours_ago),
        )

    def answer(question, author, body, hours_ago):
        made = Answer.objects.create(
            question=question,
            author=cast[author],
            body=body,
            created_at=now - timedelta(hours=hours_ago),
        )
        question.answer_count += 1
        question.save(update_fields=["answer_count"])
        return made

    radiators = ask(
        "anne",
        "energy",
        "Mes radiateurs chauffent mal en haut : que faire ?",
        "Maison de 1975, chauffage au gaz. Le bas des radiateurs est chaud, "
        "le haut reste tiède.",
        hours_ago=24 * 6,
    )
    solution = answer(
        radiators,
        "regular-0",
        "C'est de l'air dans le circuit : purgez chaque radiateur avec une clé "
        "carrée (chaudière arrêtée), en commençant par le plus bas, puis "
        "remettez la pression entre 1 et 1,5 bar.",
        hours_ago=24 * 6 - 3,
    )
    answer(
        radiators,
        "paul",
        "J'ai eu la même chose l'an dernier : la purge a suffi, et la facture a "
        "baissé.",
        hours_ago=24 * 5,
    )
    for voter in ("samir", "zoe"):
        HelpfulVote.objects.create(answer=solution, member=cast[voter])
    solution.helpful_count = 2
    solution.save(update_fields=["helpful_count"])
    radiators.solution = solution
    radiators.solved_at = now - timedelta(hours=24 * 5)
    radiators.save(update_fields=["solution", "solved_at"])

    leak = ask(
        "samir",
        "water",
        "Une chasse d'eau qui coule en continu gaspille-t-elle beaucoup ?",
        "",
        hours_ago=30,
    )
    answer(
        leak,
        "regular-2",
        "Oui : jusqu'à 600 litres par jour. Un joint de clapet coûte quelques "
        "euros ; mettez un peu de colorant alimentaire dans le réservoir pour "
        "vérifier.",
        hours_ago=26,
    )
    ask(
        "zoe",
        "local_food",
        "Où trouver des paniers de légumes de saison près de la gare ?",
        "",
        hours_ago=20,
    )
    # Unanswered for more than 72 h: listed for the moderators.
    ask(
        "paul",
        "transport",
        "Peut-on mettre un vélo dans le TER jusqu'à la ville ?",
        "Je voudrais faire le trajet vélo + train pour aller travailler.",
        hours_ago=24 * 4,
    )
