from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Défis")

    def ready(self) -> None:
        # The engine ranks; this app says who the teams are (docs/challenges.md).
        from challenges import kinds, queries
        from realtime import groups, streams
        from scoring.engine.leaderboards import register_leaderboard_source
        from scoring.signals import readings_imported

        register_leaderboard_source(queries.leaderboard_spec)
        readings_imported.connect(
            _award_reduction_goals, dispatch_uid="challenges.reduction_goals"
        )
        streams.register(groups.CHALLENGE, queries.can_read_challenge)
        streams.register(groups.LEADERBOARD, queries.can_read_challenge)
        # Feeds' challenge posts, search, « Mes données » (challenges/kinds.py).
        kinds.register_all()


def _award_reduction_goals(**kwargs) -> None:
    from challenges.actions import do_award_reduction_goals

    do_award_reduction_goals()
