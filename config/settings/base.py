"""Settings shared by every environment.

Everything that varies between machines comes from the environment through the one
``env`` object below; the embedded default (SQLite, tasks in-process) needs no variable.
"""

from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    # The project's own apps, lowest floor first (see docs/architecture.md).
    "core",
    "membership",
    "keyaccounts",
    "plans",
    "points",
    "servicedesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.access.RoleAccessMiddleware",
    # django-axes must be last: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.staff_role",
                "membership.context_processors.counter_search",
                "keyaccounts.context_processors.manager_notices",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name); default is an SQLite file.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)


def postgres_options(database: dict[str, Any]) -> dict[str, Any]:
    """PostgreSQL session settings of every connection (decisions.md D-7): JIT off, since
    compiling the batch jobs' queries cost 0.4 s each at province size and saved nothing;
    ``PG_JIT=on`` turns it back on."""
    if "postgresql" in database.get("ENGINE", "") and not env.bool("PG_JIT", default=False):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return database


def sqlite_options(database: dict[str, Any]) -> dict[str, Any]:
    """SQLite opened for parallel requests (decisions.md D-TRUST-10): every transaction
    takes the write lock when it begins (IMMEDIATE), so two writers queue for up to
    ``SQLITE_TIMEOUT`` seconds instead of one failing with "database is locked" when it
    upgrades a read to a write; WAL lets readers go on while one writes."""
    if "sqlite" in database.get("ENGINE", ""):
        options = database.setdefault("OPTIONS", {})
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env.int("SQLITE_TIMEOUT", default=20))
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
    return database


postgres_options(DATABASES["default"])
sqlite_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes, decisions.md D-TRUST-11): five wrong passwords for one user
# from one address lock that pair out for 30 minutes; twenty from one address, whatever the
# usernames, lock the address out (core/lockout.py gives each group its limit).
LOCKOUT_USER_FAILURES = env.int("AXES_FAILURE_LIMIT", default=5)
LOCKOUT_ADDRESS_FAILURES = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "core.lockout.failure_limit"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address: REMOTE_ADDR, or behind this many proxies that each append to
# X-Forwarded-For, the address the outermost one saw (production: 1, the TLS proxy). Axes
# and DRF's throttles read it the same way (core.lockout.client_ip, NUM_PROXIES).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.lockout.client_ip"

# Internationalisation: the programme's calendar is Asia/Shanghai (CONV-4).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (the supervisors' billing feeds, under imports/). They hold personal data:
# no URL serves them (there is no MEDIA_URL route), only the import reads them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", default="media/")
# Files the daily jobs write for billing (SERVICE-9's birthday minutes, SERVICE-10's
# no-suspension list; docs/interfaces.md). Personal data: no URL serves them either.
EXPORT_ROOT = Path(env("EXPORT_ROOT", default=str(BASE_DIR / "exports")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# NOTICE-2 (D-API-3): the secret the SMS gateway signs inbound messages with (HMAC-SHA256).
# No default that works: unset, the inbound endpoint refuses every post (401). The local and
# test settings set a fixed value of their own.
SMS_INBOUND_SECRET = env("SMS_INBOUND_SECRET", default="")


def throttle_rate(variable: str, default: str) -> str | None:
    """A DRF throttle rate ("600/minute") from the environment; "off" turns it off."""
    rate = env(variable, default=default).strip()
    return None if rate.lower() in ("", "off", "none") else rate


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.access.RoleMatrixPermission"],
    # A service's DomainError becomes 400/403/409 here, once (core/api_errors.py).
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus the error responses of every operation (D-API-1).
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    # Rates per staff account and per anonymous address (decisions.md D-TRUST-12); "off"
    # turns one off. Counted in the "throttle" cache below.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": throttle_rate("API_THROTTLE_ANON", "60/minute"),
        "user": throttle_rate("API_THROTTLE_USER", "600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The throttles' counts: in Redis when REDIS_URL is set, so that every server process counts
# together (a local-memory cache counts per process); short socket timeouts, because a
# throttle whose Redis is down lets requests through (core/throttling.py).
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    },
}
if env("REDIS_URL", default=""):
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": "gotone",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
SPECTACULAR_SETTINGS = {
    "TITLE": "GoTone back office API",
    "DESCRIPTION": "Staff API of the GoTone VIP and loyalty programme back office.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["core.access.RoleMatrixPermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set that several endpoints share.
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "membership.models.levels.Level",
        "CustomerStatusEnum": "membership.models.customers.Status",
        "UpgradeStatusEnum": "keyaccounts.models.groups.UpgradeStatus",
        "SubscriptionStatusEnum": "plans.models.subscriptions.SubscriptionStatus",
        "RequestStatusEnum": "servicedesk.models.requests.RequestStatus",
        "ServiceRequestKindEnum": "servicedesk.models.requests.RequestKind",
        "TicketStatusEnum": "servicedesk.models.queue.TicketStatus",
        "RedemptionStatusEnum": "points.models.Redemption.Status",
    },
}

# Celery. With REDIS_URL unset, tasks run in-process (the embedded default needs no service).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# Late acknowledgement is opted into per task, only by tasks that are safe to run twice.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Recovery from a dead worker (decisions.md D-CORE-7). The broker gives an unacknowledged
# message to another worker after the visibility timeout: a backstop only, kept above every
# task's time limit (a late-ack task would be delivered again while it runs). The sweeper
# sends a lost chunk again within minutes (JOB_CHUNK_STALE_MINUTES); a chunk's own time
# limit stays below that, so what it sends again is never still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
JOB_CHUNK_TIME_LIMIT = env.int("JOB_CHUNK_TIME_LIMIT", default=3 * 60)
# A chunk running when the broker connection drops finishes and commits; its copy, delivered
# again after the visibility timeout, finds it done. Cancelling it would only waste the work.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True
# Redis down while the clerks work (decisions.md D-TRUST-13): a page that sends a task gives
# up within about two seconds instead of hanging (connect timeout; bounded retries of the
# broker and of the result backend, whose own default is 20 retries a second apart) and its
# row waits for the periodic sends the apps declare (register_periodic; sync_beat writes them).
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
_SEND_RETRIES = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = _SEND_RETRIES
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _SEND_RETRIES}
# Batch jobs (core/jobs.py): the queue tasks go to, and extra modules a worker imports (the
# worker tests run a worker on a queue of their own, with their probe jobs).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_IMPORTS = env.list("CELERY_IMPORTS", default=[])
# Programme parameters (core/programme.py) a deployment tunes without a code change: the
# customers per chunk of a chunked job (the worker tests make small chunks with it), and
# the sweeper's timings (D-CORE-7; minutes may be fractional, for the worker tests).
GOTONE: dict[str, object] = {}
if env("JOB_CHUNK_SIZE", default=""):
    GOTONE["JOB_CHUNK_SIZE"] = env.int("JOB_CHUNK_SIZE")
for _name in ("JOB_STALE_MINUTES", "JOB_CHUNK_STALE_MINUTES"):
    if env(_name, default=""):
        GOTONE[_name] = env.float(_name)
if env("JOB_SWEEP_SECONDS", default=""):
    GOTONE["JOB_SWEEP_SECONDS"] = env.int("JOB_SWEEP_SECONDS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 10 * 3600  # one working day
X_FRAME_OPTIONS = "DENY"
# A form sent with an expired CSRF token gets the site's own page (core/error_pages.py).
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"
