from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Défis")

    def ready(self) -> None:
        # The engine ranks; this app says who the teams are (docs/challenges.md).
        from challenges import queries
        from realtime import groups, streams
        from scoring.engine.leaderboards import register_leaderboard_source

        register_leaderboard_source(queries.leaderboard_spec)
        streams.register(groups.CHALLENGE, queries.can_read_challenge)
        streams.register(groups.LEADERBOARD, queries.can_read_challenge)
