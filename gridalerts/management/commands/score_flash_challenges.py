"""`manage.py score_flash_challenges`: the results of finished flash challenges.

Run daily after the load curves arrive; running it again changes nothing.
"""

from django.core.management.base import BaseCommand

from gridalerts.linky import do_score_flash_challenge, flash_challenges_to_score


class Command(BaseCommand):
    help = "Calcule les résultats des défis flash terminés (idempotent)."

    def handle(self, *args, **options) -> None:
        for challenge in flash_challenges_to_score():
            scored = do_score_flash_challenge(challenge)
            challenge.flash.refresh_from_db()
            done = "terminé" if challenge.flash.scored_at else "à reprendre"
            self.stdout.write(f"{challenge.slug} : {scored} foyers notés ({done}).")
