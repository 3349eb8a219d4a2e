"""Settings of the fault bench's daphne processes: the bench's own, plus logging.

`bench/fault_bench.py` runs its servers with this module and names the settings
it runs with in `FAULT_BENCH_BASE_SETTINGS` (`config.settings.test` under
`make bench`). Everything is taken from that module; only `LOGGING` changes, so
that a 500 writes its traceback (`django.request`) and the apps' warnings (a
live send that failed, a websocket closed with 1013) reach the daphne log the
bench keeps. The test settings log nothing: their tests read records instead.
"""

import importlib
import os

_base = importlib.import_module(
    os.environ.get("FAULT_BENCH_BASE_SETTINGS", "config.settings.test")
)
globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "%(asctime)s pid=%(process)d %(levelname)s %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        # 5xx with their tracebacks; 4xx are counted by the bench, not logged.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
