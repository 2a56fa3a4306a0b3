"""Production: PostgreSQL and Redis, Celery workers and beat, behind a TLS proxy.

No secret has a default here: DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL and ALLOWED_HOSTS
must be set. `manage.py check --deploy` passes with no warning.
"""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env, postgres_options, sqlite_options

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    # `manage.py check --deploy` runs without a database; the "gotone.W001" check says the
    # variable is missing, and anything that would connect fails (dummy backend).
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
postgres_options(DATABASES["default"])
sqlite_options(DATABASES["default"])
# Behind the one TLS proxy: the client's address is the last X-Forwarded-For entry, for the
# login lockout and the API throttles alike (decisions.md D-TRUST-11).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT}
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The TLS proxy must send X-Forwarded-Proto: https; without it every URL redirects to https,
# except the health check, which load balancers and monitors call on the backend directly
# (decision D-OPS-5).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
