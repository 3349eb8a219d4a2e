"""`make run`: the embedded defaults, debug on, open sign-up as in the demo town."""

from config.vapid import local_key_pair

from .base import *  # noqa: F403
from .base import MIDDLEWARE, PRIVATE_ROOT, SMARTCITIZEN, env

DEBUG = env.bool("DEBUG", default=True)
# A development key: never used in production, which refuses to start without one.
SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-not-secret-smart-citizen-0123456789abcdef"
)
# ".localhost": every town's <slug>.localhost (browsers resolve them here),
# such as the demo's second town, rivemont.localhost:8000.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", ".localhost"]
)
SMARTCITIZEN["OPEN_SIGNUP"] = env.bool("OPEN_SIGNUP", default=True)
# `?town=<slug>` shows another town on 127.0.0.1 (DEBUG only), after the
# session it remembers the choice in.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "community.towns.DevTownSwitchMiddleware",
)
# Web push in the demo: this checkout's own VAPID pair (private/vapid.json,
# made on the first start) unless the environment gives one (docs/push.md).
if not SMARTCITIZEN["VAPID_PRIVATE_KEY"]:
    (
        SMARTCITIZEN["VAPID_PUBLIC_KEY"],
        SMARTCITIZEN["VAPID_PRIVATE_KEY"],
    ) = local_key_pair(PRIVATE_ROOT / "vapid.json")
