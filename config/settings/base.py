"""Settings shared by every set-up; each value comes from the environment.

An unset variable means the embedded default of DESIGN.md ("Defaults and real
parts"): SQLite, in-memory channel layer and cache, database search, embedded
scoring.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "daphne",
    "community",
    "realtime",
    "common",
    "scoring",
    "ambassadors",
    "feeds",
    "tips",
    "challenges",
    "search",
    "moderation",
    "mydata",
    "demo",
    "meters",
    "townsensors",
    "reports",
    "push",
    "gridalerts",
    "pwa",
    "referents",
    "events",
    "carpool",
    "localshops",
    "localtv",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "notifications",
    "axes",
    "csp",
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions: NUL or surrogates in any input answer 404/400, never 500.
    "config.badinput.BadInputMiddleware",
    # A view that cannot reach the database answers a French 503 « réessayez »
    # page (config/dbfaults.py; handler500 covers the other middleware).
    "config.dbfaults.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "community.middleware.TownLanguageMiddleware",
    # /api/scoring/v1/ is answered here, without the page middleware below,
    # which it does not use (scoring/api/middleware.py, issue 14).
    "scoring.api.middleware.ScoringAPIMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the member read in the user's query (community/auth.py).
    "community.auth.MemberAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (docs/security.md): strict on the site, relaxed
    # under /admin/ where Wagtail needs inline scripts and styles.
    "config.csp.SiteCSPMiddleware",
    # The service worker's headers: who a page was read by, and the logout's
    # Clear-Site-Data (pwa/middleware.py, docs/pwa.md).
    "pwa.middleware.ServiceWorkerHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.town",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# An empty DATABASE_URL counts as unset, like every other variable here.
DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
# Shared with the test settings, which read their own DATABASE_URL.
DATABASE_OPTIONS = {
    "ATOMIC_REQUESTS": False,
    "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=0),
    # A persistent connection that died between two requests (PostgreSQL
    # restarted) is replaced before the next request's first query instead of
    # failing it (docs/performance.md, "PostgreSQL restarted").
    "CONN_HEALTH_CHECKS": True,
}
DATABASES["default"].update(DATABASE_OPTIONS)
# PostgreSQL connections come from psycopg 3's pool (through Django) in each
# process, `DB_POOL_MAX_SIZE` at most (0 turns it off). Under ASGI, Django runs
# each request's sync code in a thread of its own, and each thread held a
# connection of its own: an overloaded process opened one per request in
# progress until PostgreSQL refused them ("too many clients", 503s in the
# fault bench, docs/performance.md). With the pool a request borrows a
# connection for its duration and, when all are busy, waits up to
# `DB_POOL_TIMEOUT` seconds for one (then the French 503 of config.dbfaults).
# CONN_HEALTH_CHECKS makes the pool check a connection before lending it, so
# one that died with a PostgreSQL restart is replaced, not handed out. A pool
# replaces persistent connections: it is off when CONN_MAX_AGE is not 0.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=20)
DB_POOL_TIMEOUT = env.float("DB_POOL_TIMEOUT", default=10.0)


# Server-side parameters and prepared statements (issue 14), off by default:
# psycopg sends a query's values apart from its text (server-side binding) and,
# from the fifth run of a text on a connection, prepares it, so PostgreSQL
# parses and plans each page's queries once per connection. On the feed page it
# cut PostgreSQL's CPU from 3.8 to 1.3 ms, but on the 100-town database the
# coverage report went from 87 ms to 1.3-1.8 s (towns_bench, issue 15's bar),
# with `plan_cache_mode` custom as with auto: values typed by psycopg rather
# than written into the query change some plans. Until each such query is
# found and typed, `DB_PREPARED=1` turns it on (docs/performance.md, « Issue
# 14 — fourth round »).
DB_PREPARED = env.bool("DB_PREPARED", default=False)
DB_PREPARE_THRESHOLD = 5


def add_connection_pool(database: dict) -> None:
    """Give a PostgreSQL `database` setting the pool described above, if it is
    on, and the prepared statements above."""
    if database["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARED:
        database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=DB_PREPARE_THRESHOLD
        )
    if (
        database["ENGINE"] != "django.db.backends.postgresql"
        or DB_POOL_MAX_SIZE <= 0
        or database.get("CONN_MAX_AGE", 0) != 0
    ):
        return
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": DB_POOL_TIMEOUT,
    }


add_connection_pool(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that hangs (frozen, or a network partition: not refusing) would hold
# each cache call for redis-py's default 5 s; a local Redis answers in well
# under a millisecond. Past this the call fails, and the rate limits fall back
# to their per-process counters (config/ratelimit.py).
_cache_timeout = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
CACHE_OPTIONS = {
    "socket_timeout": _cache_timeout,
    "socket_connect_timeout": _cache_timeout,
}
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: a live event reaches each daphne process once and
            # is fanned out there from one queue per connection, at about half
            # the CPU per frame of the core layer (docs/realtime.md, "Delivery
            # cost"). A message missed while a process reconnects is in the
            # event log: gap filling and resume deliver it.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, as long as
            # the blocking read of channels_redis: idle websockets would die
            # every 5 s (django/channels_redis#422; check realtime.W001).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 10}]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sc",
            "OPTIONS": CACHE_OPTIONS,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Read by the search and scoring apps; empty means the embedded part.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# Names of the search app's index alias and indices start with this prefix.
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="smartcitizen")
# Seconds an Elasticsearch call may take before search falls back to the database.
SEARCH_TIMEOUT = env.float("SEARCH_TIMEOUT", default=2.0)
SCORING_CORE_URL = env.str("SCORING_CORE_URL", default="")
SCORING_CORE_TOKEN = env.str("SCORING_CORE_TOKEN", default="")

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Smart Citizen <ne-pas-repondre@smartcitizen.local>"
)

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses throttled logins before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Repeated failed logins: 5 failures for one account from one address lock it
# for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The typed name cut to axes' varchar(255) column: a longer one was a 500.
AXES_USERNAME_CALLABLE = "community.lockout.axes_username"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# « Mes données » archives (docs/mydata.md): outside MEDIA_ROOT and without a
# URL, so that no web server can serve them; only the owner's view reads them.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads: anything larger is refused before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The local channel's videos (docs/localtv.md): the largest file accepted, in
# bytes; a reverse proxy in front must let such a request body through.
LOCALTV_MAX_BYTES = env.int("LOCALTV_MAX_BYTES", default=200 * 1024 * 1024)
# No uploaded file past it is kept, on any form: it is dropped while it arrives
# (BadInputMiddleware parses every form first, so a view cannot set this).
FILE_UPLOAD_HANDLERS = [
    "localtv.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

WAGTAIL_SITE_NAME = "Smart Citizen"
# The scheme of links sent out of the site (e-mails, digests), each on its
# town's hostname and port (community.towns.absolute_url).
SITE_SCHEME = env.str("SITE_SCHEME", default="http")
WAGTAILADMIN_BASE_URL = env.str(
    "WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAILDOCS_EXTENSIONS = ["csv", "odt", "pdf", "txt"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# No Gravatar in the admin: it would send a hash of each moderator's e-mail to
# a third party on every page, and the CSP allows pictures from here only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

DJANGO_NOTIFICATIONS_CONFIG = {"USE_JSONFIELD": True}

# The programme's own settings.
SMARTCITIZEN = {
    # Anyone may create a household in a neighbourhood of their choice; when off,
    # only an invitation code lets a person in.
    "OPEN_SIGNUP": env.bool("OPEN_SIGNUP", default=False),
    "INVITATION_VALID_DAYS": env.int("INVITATION_VALID_DAYS", default=30),
    "HOUSEHOLD_MAX_MEMBERS": env.int("HOUSEHOLD_MAX_MEMBERS", default=8),
    "AVATAR_MAX_BYTES": 5 * 1024 * 1024,
    "AVATAR_SIZE": 256,
    # Scoring core (docs/scoring-core.md): tariffs turn saved kWh and litres into
    # euros; the HTTP client's timeout (seconds, per attempt), retries of
    # idempotent calls, backoff base (seconds) and cache of GET answers.
    "TARIFFS": {
        "electricity_eur_per_kwh": env.float(
            "TARIFF_ELECTRICITY_EUR_KWH", default=0.2016
        ),
        "gas_eur_per_kwh": env.float("TARIFF_GAS_EUR_KWH", default=0.1051),
        "water_eur_per_m3": env.float("TARIFF_WATER_EUR_M3", default=4.34),
    },
    # The programme's promise the dashboard's yearly projection is set against,
    # and the share of gas that goes to heating, corrected by degree days
    # (docs/scoring-core.md).
    "SAVINGS_GOAL_EUR": env.int("SAVINGS_GOAL_EUR", default=200),
    "GAS_HEATING_SHARE": env.float("GAS_HEATING_SHARE", default=0.8),
    "SCORING_TIMEOUT": env.float("SCORING_CORE_TIMEOUT", default=2.0),
    "SCORING_RETRIES": env.int("SCORING_CORE_RETRIES", default=2),
    "SCORING_BACKOFF": env.float("SCORING_CORE_BACKOFF", default=0.2),
    "SCORING_CACHE_SECONDS": env.int("SCORING_CORE_CACHE_SECONDS", default=30),
    # After a call that found the core unavailable, calls fail at once for this
    # many seconds (circuit breaker), then one call tries again; 0 turns it off.
    "SCORING_BREAKER_SECONDS": env.float("SCORING_CORE_BREAKER_SECONDS", default=30),
    # How late an action may be logged, in days.
    "ACTION_MAX_DELAY_DAYS": env.int("ACTION_MAX_DELAY_DAYS", default=7),
    # Real-time events older than this are pruned (`manage.py prune_events`); a
    # client resuming from before that gets a "reload" event.
    "EVENT_RETENTION_DAYS": env.int("EVENT_RETENTION_DAYS", default=7),
    # Ambassadors (docs/ambassadors.md): visit addresses are erased this many days
    # after the household signs up or refuses (`manage.py purge_visit_addresses`);
    # a household quiet this many days is signalled to its ambassador; the share
    # of a neighbourhood's census households the programme aims at.
    "VISIT_ADDRESS_RETENTION_DAYS": env.int("VISIT_ADDRESS_RETENTION_DAYS", default=90),
    "QUIET_HOUSEHOLD_DAYS": env.int("QUIET_HOUSEHOLD_DAYS", default=30),
    "ACTIVE_WINDOW_DAYS": env.int("ACTIVE_WINDOW_DAYS", default=30),
    "COVERAGE_TARGET_SHARE": env.float("COVERAGE_TARGET_SHARE", default=0.25),
    # Feeds and chat (docs/feeds.md): pictures of posts (size limit, long side
    # and thumbnail in pixels), page length, and per-member rate limits as
    # (how many, per how many seconds).
    "POST_IMAGE_MAX_BYTES": 8 * 1024 * 1024,
    "POST_IMAGE_SIZE": 1600,
    "POST_THUMBNAIL_SIZE": 480,
    "FEED_PAGE_SIZE": env.int("FEED_PAGE_SIZE", default=20),
    "POST_RATE": (env.int("POST_RATE_COUNT", default=10), 600),
    "COMMENT_RATE": (env.int("COMMENT_RATE_COUNT", default=30), 600),
    "MESSAGE_RATE": (env.int("MESSAGE_RATE_COUNT", default=20), 60),
    # Reactions (toggles), "J'ai agi" (points: a flood is cheating, not
    # enthusiasm) and tip proposals (each one is a moderator's work).
    "REACTION_RATE": (env.int("REACTION_RATE_COUNT", default=60), 600),
    "ACTION_RATE": (env.int("ACTION_RATE_COUNT", default=30), 3600),
    "TIP_PROPOSAL_RATE": (env.int("TIP_PROPOSAL_RATE_COUNT", default=5), 86400),
    # Citizen reports (docs/reports.md): per member, and per Open311 or sensor
    # key (a partner app files for many people; a gateway batches).
    "REPORT_RATE": (env.int("REPORT_RATE_COUNT", default=10), 3600),
    "REPORT_NOTE_RATE": (env.int("REPORT_NOTE_RATE_COUNT", default=20), 3600),
    "API_KEY_RATE": (env.int("API_KEY_RATE_COUNT", default=600), 60),
    "REPORT_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    # Reports of the same category this close and this recent are shown
    # before a new one is sent (« moi aussi » rather than a duplicate).
    "REPORT_NEARBY_METRES": 50,
    "REPORT_NEARBY_DAYS": 30,
    # The map's tiles ({z}/{x}/{y}) and their attribution; without tiles the
    # map page stays a list.
    "MAP_TILE_URL": env(
        "MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ),
    "MAP_TILE_ATTRIBUTION": env(
        "MAP_TILE_ATTRIBUTION",
        default="© les contributeurs d'OpenStreetMap",
    ),
    # Challenges (docs/challenges.md): proof photos of "J'ai agi" (size limit,
    # long side in pixels).
    "CHALLENGE_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    "CHALLENGE_PHOTO_SIZE": 1600,
    # Rate limits of the site's doors (docs/security.md), as (how many, per how
    # many seconds): sign-ups and login attempts per client address, invitation
    # codes per ambassador, searches per member (or address when anonymous).
    # django-axes locks one account after repeated failures on top of these.
    "SIGNUP_RATE": (env.int("SIGNUP_RATE_COUNT", default=20), 3600),
    "LOGIN_RATE": (env.int("LOGIN_RATE_COUNT", default=30), 600),
    "INVITATION_RATE": (env.int("INVITATION_RATE_COUNT", default=30), 3600),
    "SEARCH_RATE": (env.int("SEARCH_RATE_COUNT", default=60), 60),
    "SUGGEST_RATE": (env.int("SUGGEST_RATE_COUNT", default=180), 60),
    # The request header holding the client's address when a proxy sets it
    # (e.g. "HTTP_X_REAL_IP"); empty: REMOTE_ADDR.
    "CLIENT_IP_HEADER": env.str("CLIENT_IP_HEADER", default=""),
    # Moderation and trust levels (docs/moderation.md): reports by trusted
    # members that hide an item pending review; new members (level 0) until
    # both days and published posts/comments are reached, or an ambassador
    # confirmed their household; trusted (level 2) past both TRUSTED figures;
    # new members' rates as (how many, per how many seconds).
    "MODERATION": {
        "AUTO_HIDE_TRUSTED_REPORTS": env.int("AUTO_HIDE_TRUSTED_REPORTS", default=3),
        "NEW_MEMBER_DAYS": env.int("TRUST_NEW_MEMBER_DAYS", default=3),
        "NEW_MEMBER_ACTIVITY": env.int("TRUST_NEW_MEMBER_ACTIVITY", default=3),
        "TRUSTED_DAYS": env.int("TRUST_TRUSTED_DAYS", default=30),
        "TRUSTED_ACTIVITY": env.int("TRUST_TRUSTED_ACTIVITY", default=20),
        "NEW_POST_RATE": (3, 600),
        "NEW_MESSAGE_RATE": (5, 60),
    },
    # Web push (docs/push.md): the VAPID key pair, base64url (`manage.py
    # generate_vapid_keys` prints one); without keys the site offers no push.
    # The subject is a contact of the sender the push services may use.
    "VAPID_PUBLIC_KEY": env.str("VAPID_PUBLIC_KEY", default=""),
    "VAPID_PRIVATE_KEY": env.str("VAPID_PRIVATE_KEY", default=""),
    "VAPID_SUBJECT": env.str(
        "VAPID_SUBJECT", default="mailto:contact@smartcitizen.example"
    ),
    # Device registrations per member (the page's JS registers once a visit).
    "PUSH_SUBSCRIBE_RATE": (env.int("PUSH_SUBSCRIBE_RATE_COUNT", default=20), 3600),
    # Pushes in flight at once (threads sharing one HTTP session).
    "PUSH_CONCURRENCY": env.int("PUSH_CONCURRENCY", default=16),
    # How long a push service keeps a push for a phone that is offline.
    "PUSH_TTL": env.int("PUSH_TTL", default=4 * 3600),
    # Send in the committing thread instead of the background sender (tests).
    "PUSH_INLINE": False,
    # Accept http://localhost and http://127.0.0.1 endpoints (the test push
    # service emulator); with DEBUG too.
    "PUSH_LOCAL_ENDPOINTS": False,
}

# Security (docs/security.md). Cookies: the session cookie is never readable
# from JavaScript; the CSRF cookie stays readable (HttpOnly would protect
# nothing, as Django's docs explain, and admin scripts may read it). Production
# adds `Secure` to both, HSTS and the HTTPS redirect.
# Django's database sessions, read by one written-out query (community/sessions.py).
SESSION_ENGINE = "community.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline script, style or event
# handler on the site's own pages; every script and style sheet is a static
# file. Pictures may come from MEDIA origins listed in CSP_MEDIA_ORIGINS (an
# S3-compatible bucket in production). `'self'` covers the same-host ws/wss
# of `/ws/` in CSP level 3 browsers.
_CSP_MEDIA_ORIGINS = env.list("CSP_MEDIA_ORIGINS", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", *_CSP_MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail admin (under this prefix) renders inline scripts and style
# attributes of its own and previews pages in a same-origin iframe: it gets
# these additions (config/csp.py), the rest of the site never does.
CSP_ADMIN_PREFIX = "/admin/"
CSP_ADMIN_ADDITIONS = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
    "frame-src": ["'self'"],
}
# Wagtail's preview and draft pages are shown inside the admin's iframe.
CSP_ADMIN_FRAME_ANCESTORS = ["'self'"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Wagtail runs its background tasks in process and logs each one.
    "loggers": {"django_tasks": {"level": "WARNING"}, "wagtail": {"level": "WARNING"}},
}
