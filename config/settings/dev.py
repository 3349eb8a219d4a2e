"""`make run`: the embedded defaults, debug on, open sign-up as in the demo town."""

from .base import *  # noqa: F403
from .base import SMARTCITIZEN, env

DEBUG = env.bool("DEBUG", default=True)
# A development key: never used in production, which refuses to start without one.
SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-not-secret-smart-citizen-0123456789abcdef"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SMARTCITIZEN["OPEN_SIGNUP"] = env.bool("OPEN_SIGNUP", default=True)
