"""Settings for every environment, read from environment variables.

Local defaults need nothing installed by hand: without DATABASE_URL an embedded
PostgreSQL (pgserver) starts, without REDIS_URL the cache, channel layer and Celery
run in-process. Production differences are environment values, not more files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict[str, str]:
    """Django's database settings from a libpq-style URL.

    ``postgres://user:pass@host:port/name``; a Unix socket goes in the ``host`` parameter, as
    libpq takes it: ``postgres://user@/name?host=/var/run/postgresql``.
    """
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    socket_directory = parse_qs(parts.query).get("host", [""])[0]
    return {
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": socket_directory or parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


def _prepare_threshold(value: str) -> int | None:
    """psycopg's prepare_threshold: executions before a statement is prepared; "off" never prepares."""
    return None if value.strip().lower() in {"off", "none", ""} else int(value)


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-development-key-change-me-in-production")
# Former secrets still accepted after a rotation (ticket signing keys are sealed under SECRET_KEY).
SECRET_KEY_FALLBACKS = [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")

# The platform's own host (the control plane) and the base domain under which every
# reseller gets a subdomain: acme.localhost, bravo.localhost, ...
PLATFORM_HOST = os.environ.get("PLATFORM_HOST", "localhost")
PLATFORM_BASE_DOMAIN = os.environ.get("PLATFORM_BASE_DOMAIN", PLATFORM_HOST)
PLATFORM_PUBLIC_URL_SCHEME = os.environ.get("PLATFORM_URL_SCHEME", "http")
PLATFORM_PUBLIC_PORT = os.environ.get("PLATFORM_PUBLIC_PORT", "8000")

SHARED_APPS = [
    "django_tenants",
    "daphne",
    "tenants",
    "billing",
    "billing.ledger",
    "billing.payouts",
    "billing.reports",
    "accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "core",
    "controlplane",
    # The platform's own API keys (platform admins) live in public; each reseller's in its schema.
    "api",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "accounts",
    "branding",
    "ticketing.audit",
    "ticketing.catalog",
    "ticketing.inventory",
    "ticketing.orders",
    "ticketing.tickets",
    "ticketing.team",
    "ticketing.discounts",
    "ticketing.taxes",
    "ticketing.invoices",
    "ticketing.payments",
    "ticketing.backoffice",
    "ticketing.outbox",
    "api.webhooks",
    "ticketing.checkin",
    "api",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "controlplane.urls_public"
ROOT_URLCONF = "controlplane.urls_tenant"
TENANT_LIMIT_SET_CALLS = True
# migrate_schemas plans once per group of schemas at the same state and applies in
# batches (tenants/schema_migrations.py); "standard" is django-tenants' one-by-one.
TENANT_MIGRATION_EXECUTOR = os.environ.get("TENANT_MIGRATION_EXECUTOR", "batched")
GET_EXECUTOR_FUNCTION = "tenants.migration_executor.executor_class"
# Spare, fully migrated schemas kept ready so provisioning is a rename, not a migrate.
TENANT_POOL_SIZE = int(os.environ.get("TENANT_POOL_SIZE", "3"))
# Where closing a reseller leaves the dump of its schema.
TENANT_DUMP_DIR = Path(os.environ.get("TENANT_DUMP_DIR", DATA_DIR / "closed-tenants"))

MIDDLEWARE = [
    "tenants.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cookie, then Accept-Language, then the shop's default language (needs request.tenant).
    "branding.middleware.ShopLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "branding.context_processors.theme",
                "ticketing.taxes.context_processors.regions",
            ],
        },
    },
]

WSGI_APPLICATION = "controlplane.wsgi.application"
ASGI_APPLICATION = "controlplane.asgi.application"

if os.environ.get("DATABASE_URL"):
    _database = database_from_url(os.environ["DATABASE_URL"])
else:
    from controlplane.embedded_postgres import database_settings

    _database = database_settings(Path(os.environ.get("EMBEDDED_POSTGRES_DIR", DATA_DIR / "postgres")))
# pg_dump (closing a reseller dumps its schema) must match the server's major version.
PG_DUMP_BINARY = os.environ.get("PG_DUMP") or ("pg_dump" if os.environ.get("DATABASE_URL") else "")
if not PG_DUMP_BINARY:
    from controlplane.embedded_postgres import binary

    PG_DUMP_BINARY = binary("pg_dump")

DATABASES = {
    "default": {
        # django-tenants' backend, minus a redundant SET search_path per request (core/postgresql_backend).
        "ENGINE": "core.postgresql_backend",
        **_database,
        # Persistent connections: a new connection per request halves throughput.
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "600")),
        # A `SELECT 1` before the first query of each request, so a connection PostgreSQL dropped
        # (restart, failover, idle timeout) is replaced instead of failing that request. Measured
        # at about 0.03 ms of CPU per request (under 1 % of an order, bench/profile_order.py):
        # kept on; CONN_HEALTH_CHECKS=0 turns it off.
        "CONN_HEALTH_CHECKS": os.environ.get("CONN_HEALTH_CHECKS", "1") != "0",
        # Server-side binding; psycopg can also prepare a statement the second time a
        # connection runs it (DATABASE_PREPARE_THRESHOLD=2). Measured: that cuts PostgreSQL's CPU
        # per order in a one-shop on-sale rush (2.4 -> 1.4 ms), but with requests for many shops
        # interleaved on a connection every search_path switch makes PostgreSQL re-plan them, and
        # the storefront's CPU per request rose 16 % from 1 to 200 shops (2 % without). Off by
        # default for that reason; correct either way (tests/tenants/test_routing.py). The order path
        # (checkout, API order creation) prepares its few statements regardless
        # (core.model_rows.prepared_statements).
        "OPTIONS": {
            "server_side_binding": True,
            "prepare_threshold": _prepare_threshold(os.environ.get("DATABASE_PREPARE_THRESHOLD", "off")),
        },
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME", f"test_{_database['NAME']}")},
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            # Django's default of 300 entries would evict routes and themes past 300 resellers.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: a real broker when one is configured, otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "top-up-schema-pool": {"task": "tenants.top_up_schema_pool", "schedule": 60.0},
    # Holds give their tickets back by themselves; unpaid pay-later orders lapse.
    "expire-holds": {"task": "inventory.expire_holds_everywhere", "schedule": 30.0},
    "expire-unpaid-orders": {"task": "orders.expire_unpaid_orders_everywhere", "schedule": 300.0},
    # Order confirmations whose relay never ran (see CONFIRMATION_RELAY_WINDOW).
    "send-due-confirmations": {"task": "orders.send_due_confirmations_everywhere", "schedule": 60.0},
    # Custom domains are routed as soon as their DNS TXT record shows up.
    "verify-custom-domains": {"task": "branding.verify_custom_domains_everywhere", "schedule": 600.0},
    # Control plane: payouts are made once per schedule period, however often this runs.
    "run-due-payouts": {"task": "payouts.run_due_payouts", "schedule": 3600.0},
    "reconcile-ledger": {"task": "ledger.reconcile_with_provider", "schedule": 86400.0},
    "enforce-dunning": {"task": "billing.enforce_dunning", "schedule": 3600.0},
    "send-scheduled-reports": {"task": "billing_reports.send_scheduled_reports", "schedule": 3600.0},
    # Outbox events written while no worker ran, and webhook retries that are due.
    "sweep-webhooks": {"task": "webhooks.sweep_everywhere", "schedule": 30.0},
    "prune-outbox": {"task": "outbox.prune_everywhere", "schedule": 86400.0},
    "purge-idempotency-records": {"task": "api.purge_idempotency_records_everywhere", "schedule": 3600.0},
}

# Longest a buyer waits for an inventory row lock before "busy, try again" (PostgreSQL interval).
INVENTORY_LOCK_TIMEOUT = os.environ.get("INVENTORY_LOCK_TIMEOUT", "3s")
# Order confirmations go out through a relay task queued at most once per this many seconds
# per web process (and shop), running that much later; beat sweeps up what is due for longer
# than CONFIRMATION_SWEEP_AFTER seconds (ticketing.tickets.models.ConfirmationDue).
CONFIRMATION_RELAY_WINDOW = float(os.environ.get("CONFIRMATION_RELAY_WINDOW", "1"))
CONFIRMATION_SWEEP_AFTER = int(os.environ.get("CONFIRMATION_SWEEP_AFTER", "120"))
# Days a pay-later order may stay unpaid before it lapses and its tickets go back on sale.
PAY_LATER_DAYS = int(os.environ.get("PAY_LATER_DAYS", "7"))

# Stripe. With STRIPE_SECRET_KEY set, the real API; without, the local fake on loopback
# (localstripe, started by `make demo` and by the tests): see controlplane/local_stripe.py.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
LOCAL_STRIPE_PORT = int(os.environ.get("LOCAL_STRIPE_PORT", "8420"))
STRIPE_API_BASE = os.environ.get(
    "STRIPE_API_BASE", "" if STRIPE_SECRET_KEY else f"http://127.0.0.1:{LOCAL_STRIPE_PORT}"
)
STRIPE_API_KEY = STRIPE_SECRET_KEY or "sk_test_localstripe"
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_local_development_only")
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET)
# The platform's own account id: fees owed on reseller-collected sales are debited to it.
STRIPE_PLATFORM_ACCOUNT_ID = os.environ.get("STRIPE_PLATFORM_ACCOUNT_ID", "")
STRIPE_NETWORK_RETRIES = int(os.environ.get("STRIPE_NETWORK_RETRIES", "2"))
# Buyers' card payments (ticketing.payments): Stripe.js in the browser with the publishable key
# (localstripe serves a compatible Stripe.js and accepts any pk_ key), and the signing secret of
# /webhooks/stripe/ on the platform host.
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe")
# Empty: Stripe's own with a secret key, else the copy localstripe serves at STRIPE_API_BASE.
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "")
STRIPE_PAYMENTS_WEBHOOK_SECRET = os.environ.get("STRIPE_PAYMENTS_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET)
# Minutes a card order waits for its payment before it lapses and its tickets go back on sale.
CARD_PAYMENT_MINUTES = int(os.environ.get("CARD_PAYMENT_MINUTES", "30"))

# Control-plane billing: dunning, payouts, the ledger's locks, reports.
BILLING_GRACE_DAYS = int(os.environ.get("BILLING_GRACE_DAYS", "7"))
PAYOUT_DEFAULT_HOLDING_DAYS = int(os.environ.get("PAYOUT_DEFAULT_HOLDING_DAYS", "3"))
PAYOUT_MIN_HOLDING_DAYS = int(os.environ.get("PAYOUT_MIN_HOLDING_DAYS", "1"))
# Stripe requires manually held funds paid out within 90 days in most countries.
PAYOUT_MAX_HOLD_DAYS = int(os.environ.get("PAYOUT_MAX_HOLD_DAYS", "90"))
# Smallest payout per currency in minor units; other currencies: ten major units.
PAYOUT_MINIMUMS: dict[str, int] = json.loads(
    os.environ.get("PAYOUT_MINIMUMS", '{"EUR": 1000, "USD": 1000, "GBP": 1000, "CHF": 1000, "JPY": 1000}')
)
LEDGER_LOCK_TIMEOUT = os.environ.get("LEDGER_LOCK_TIMEOUT", "5s")
BILLING_REPORTS_DIR = Path(os.environ.get("BILLING_REPORTS_DIR", DATA_DIR / "reports"))
PLATFORM_ADMIN_EMAILS = [e for e in os.environ.get("PLATFORM_ADMIN_EMAILS", "").split(",") if e]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7  # invitation links stay valid for a week

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Behind the reverse proxy (deploy/Caddyfile), which sets X-Forwarded-Proto.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    # Where django.core.mail.backends.filebased.EmailBackend writes (one file per connection).
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tickets@platform.localhost")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ja", "日本語"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# The platform's name in the notice on shops whose plan does not remove it ("Ticketing by …").
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Ticket platform")

# Custom domains: ownership is proven by a DNS TXT record, read through this resolver class
# (a dotted path; tests bring their own). Nameservers as "host" or "host:port", comma-separated;
# empty means the system's resolvers.
CUSTOM_DOMAIN_TXT_RESOLVER = os.environ.get(
    "CUSTOM_DOMAIN_TXT_RESOLVER", "branding.txt_records.DnsPythonTxtResolver"
)
CUSTOM_DOMAIN_DNS_NAMESERVERS = [
    name.strip() for name in os.environ.get("CUSTOM_DOMAIN_DNS_NAMESERVERS", "").split(",") if name.strip()
]
CUSTOM_DOMAIN_DNS_TIMEOUT = float(os.environ.get("CUSTOM_DOMAIN_DNS_TIMEOUT", "3"))
CUSTOM_DOMAIN_VERIFICATION_DAYS = int(os.environ.get("CUSTOM_DOMAIN_VERIFICATION_DAYS", "7"))
# Asked by the TLS proxy before it issues a certificate on demand (see the README, "Custom domains").
TLS_ASK_PATH = os.environ.get("TLS_ASK_PATH", "/internal/tls/allowed-hostname/")

# Domain events (ticketing.outbox): Celery tasks queued after each commit that recorded some.
# The webhook relay is the one relay; the domains never import it (see the README).
OUTBOX_RELAY_TASKS = ["api.webhooks.tasks.relay_outbox"]
# A process queues at most one relay per shop per this many seconds (a relay per order would
# cost the on-sale rush a broker round trip per order); events wait at most this long.
OUTBOX_RELAY_COALESCE_SECONDS = float(os.environ.get("OUTBOX_RELAY_COALESCE_SECONDS", "0.5"))
# Relayed events (and their webhook delivery logs) are kept this long.
OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "30"))

# Outgoing webhooks (api/webhooks). Targets must be public HTTPS addresses: private, loopback
# and link-local ones are refused (SSRF) unless allowed here, as the tests and a local demo do.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Certificates of https:// targets are checked against the system's trust store, or this CA file.
WEBHOOK_TLS_CA_FILE = os.environ.get("WEBHOOK_TLS_CA_FILE", "")
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "12"))
# Retry n waits about BASE * 2^(n-1) seconds (±20 % jitter), never more than MAX: about 29 hours in all.
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", str(12 * 3600)))
# An endpoint is switched off (and its owners told) after this many failed attempts in a row,
# once it has been failing for at least this long.
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "20"))
WEBHOOK_DISABLE_AFTER_SECONDS = float(os.environ.get("WEBHOOK_DISABLE_AFTER_SECONDS", str(3 * 86400)))
# The REST API (api/): keys or back-office sessions, problem details, cursor pages, OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ticketing API",
    "DESCRIPTION": (
        "A reseller's events, orders, tickets, check-ins, customers and reports. Authenticate with "
        "`Authorization: Bearer <API key>`; errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatus": "ticketing.orders.models.Order.Status",
        "TicketStatus": "ticketing.orders.models.Ticket.Status",
        "EventStatus": "ticketing.catalog.models.Event.Status",
        "TenantStatus": "tenants.models.Tenant.Status",
        "TicketTypeKind": "ticketing.catalog.models.TicketType.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}
# Requests per minute per key and per client address, unless the plan's limits say otherwise
# (plan limits "api_requests_per_minute" and "api_requests_per_minute_per_ip").
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))
API_RATE_LIMIT_PER_MINUTE_PER_IP = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE_PER_IP", "1200"))
# How long a key's look-up is cached (a revocation also drops it at once).
API_KEY_CACHE_SECONDS = int(os.environ.get("API_KEY_CACHE_SECONDS", "30"))
API_IDEMPOTENCY_HOURS = 24

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Host → tenant lookups, cached apart from the per-tenant cache keys (they are made
# before any tenant is chosen). Shared through Redis when configured; in-process
# entries live shorter, since invalidation reaches only the process that made it.
_routing_cache: dict[str, Any] = (
    {"BACKEND": "core.cache.ReusedClientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "routing"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "routing",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
CACHES["routing"] = _routing_cache
TENANT_ROUTING_CACHE_SECONDS = int(
    os.environ.get("TENANT_ROUTING_CACHE_SECONDS", "300" if REDIS_URL else "15")
)
