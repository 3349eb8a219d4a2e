from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from challenges.actions import do_award_reduction_goals


class Command(BaseCommand):
    help = _(
        "Donne le badge « Objectif atteint » aux foyers des équipes qui ont atteint "
        "la baisse visée d'un défi (après un import de relevés par un cœur distant)."
    )

    def handle(self, *args, **options) -> None:
        given = do_award_reduction_goals()
        self.stdout.write(_("%(count)d badge(s) donné(s).") % {"count": given})
