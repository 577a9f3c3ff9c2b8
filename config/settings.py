"""One settings module; every deployment knob is an environment variable with a safe default."""

import datetime
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    # A fresh machine gets a key of its own, kept under var/ so sessions survive restarts.
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


TESTING = "pytest" in sys.modules or os.environ.get("PORTAL_TESTING") == "1"
SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Security headers. Behind the TLS proxy: cookies only over HTTPS, plain HTTP redirected, and
# browsers told (HSTS) never to try plain HTTP again. SECURE_COOKIES still works on its own.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", BEHIND_TLS_PROXY)
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600) if BEHIND_TLS_PROXY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS binds the whole domain for months: the domain owner's
    # call, not a default, so check --deploy is not to warn about it (security.W021).
    SILENCED_SYSTEM_CHECKS += ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere, nothing from another host: our own files only. (The
# order addenda's inline CSS is read by WeasyPrint, never served as a page.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "portal.ops",
    # Bottom layer first. Business-event subscribers run in this order (portal.core.events):
    # the vendor's provisioning request is written before the webhooks are queued.
    "portal.core",
    "portal.accounts",
    "portal.catalog",
    "portal.companies",
    "portal.prospects",
    "portal.orders",
    "portal.rfi",
    "portal.pricebook",
    "portal.usage",
    "portal.changes",
    "portal.renewals",
    "portal.reminders",
    "portal.quotes",
    "portal.sync",
    "portal.webhooks",
    "portal.api",
    "portal.dashboards",
    "portal.demo",
]

MIDDLEWARE = [
    # First: answers the health checks and metrics itself, and times and logs every request.
    "portal.ops.middleware.OpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.two_step_middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.core.text.ControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.accounts.sessions.SessionLimitsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.accounts.sign_in_throttle.KnownDeviceMiddleware",
    # Last, so it sees a lock-out flagged by the sign-in below it and answers for it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's, with the plain <input> widgets written out in Python (portal/core/form_renderer.py).
FORM_RENDERER = "portal.core.form_renderer.FormRenderer"

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
                "portal.core.context_processors.navigation",
            ],
        },
    },
]

# Each process's own memory: the SQLite API rates (core/counters.py), and the rendered list
# pages (companies/list_cache.py), at most LIST_CACHE_ENTRIES of them (0: none kept).
_LIST_ENTRIES = envint("LIST_CACHE_ENTRIES", 300)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "lists": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lists",
        "TIMEOUT": 3600,  # a key's count of changes moves on; its old entries are of no use
        "OPTIONS": {"MAX_ENTRIES": _LIST_ENTRIES},
    }
    if _LIST_ENTRIES > 0
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=envint("DB_CONN_MAX_AGE", 60)
        )
    }
    # A kept connection the server dropped (restart, fail-over) is noticed and replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if envbool("DB_PREPARED_STATEMENTS", True):
        # Parameters sent apart from the SQL, and a statement a connection has run 5 times
        # kept prepared: PostgreSQL then neither parses nor (mostly) plans it again. The
        # customer page's ~20 queries spent more in planning than in running. Off for a pooler
        # that cannot keep prepared statements (PgBouncer's transaction mode before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", VAR_DIR / "portal.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
                # timeout instead of failing halfway through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account or address is locked out.
    "portal.accounts.backends.SignInThrottleBackend",
    "portal.accounts.backends.PartnerUserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
# How long the e-mailed link to a Request for Information form works.
RFI_LINK_MAX_AGE_DAYS = envint("RFI_LINK_MAX_AGE_DAYS", 30)
QUOTE_VALID_DAYS = envint("QUOTE_VALID_DAYS", 30)
# Two-step verification (authenticator app, recovery codes, passkeys). Vendor staff always need
# it; an MSP's Admin can require it for the MSP's users (Users page). Making an API token asks
# for a code again unless the user verified within TWO_STEP_FRESH_MINUTES.
TWO_STEP_FRESH_MINUTES = envint("TWO_STEP_FRESH_MINUTES", 5)
OTP_TOTP_ISSUER = os.environ.get("TWO_STEP_ISSUER", "MSP Partner Portal")
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, wait 2^(n-1) s before the next try
OTP_STATIC_THROTTLE_FACTOR = 1
# The console lists and deletes users' devices (a lost phone) but never shows their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys belong to one web origin: PASSKEY_ORIGIN (default: SITE_URL's). Browsers allow them
# on https:// addresses and on http://localhost only; elsewhere the portal offers no passkeys.
PASSKEY_ORIGIN = os.environ.get("PASSKEY_ORIGIN", SITE_URL).rstrip("/")
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID = urlsplit(PASSKEY_ORIGIN).hostname or "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    [PASSKEY_ORIGIN] if PASSKEY_ORIGIN.startswith(("https://", "http://localhost")) else []
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second step, never the only one
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:
    SILENCED_SYSTEM_CHECKS += ["otp_webauthn.E030"]  # no passkeys at a plain-http address
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after SIGN_IN_FAILURE_LIMIT failures for one account or
# from one address, sign-in waits SIGN_IN_LOCKOUT_MINUTES (portal/accounts/sign_in_throttle.py).
SIGN_IN_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 10)
SIGN_IN_LOCKOUT_MINUTES = envint("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = "portal.accounts.sign_in_throttle.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "portal.accounts.sign_in_throttle.lockout_response"
AXES_USERNAME_CALLABLE = "portal.accounts.sign_in_throttle.username"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.sign_in_throttle.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Set-password e-mails (reset links, invitations) per hour.
PASSWORD_RESETS_PER_HOUR_PER_EMAIL = envint("PASSWORD_RESETS_PER_HOUR_PER_EMAIL", 3)
PASSWORD_RESETS_PER_HOUR_PER_CLIENT = envint("PASSWORD_RESETS_PER_HOUR_PER_CLIENT", 20)
INVITATIONS_PER_HOUR_PER_EMAIL = envint("INVITATIONS_PER_HOUR_PER_EMAIL", 3)
INVITATIONS_PER_HOUR_PER_PARTNER = envint("INVITATIONS_PER_HOUR_PER_PARTNER", 50)
# A session ends after this long without a request, and this long after signing in at most.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 60)
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Attachments: local files by default; any Django storage (S3 and the like) by dotted path.
    "default": {
        "BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# FILE_STORAGE=storages.backends.s3.S3Storage (pip install '.[s3]'): the bucket and, for an
# S3-compatible service, its endpoint; credentials as boto3 finds them (AWS_ACCESS_KEY_ID …).
for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"):
    if os.environ.get(_name):
        globals()[_name] = os.environ[_name]
AWS_DEFAULT_ACL = None  # the bucket's own policy: attachments are never public
AWS_QUERYSTRING_AUTH = True
# Serve straight from the app folders too, so tests and a fresh clone need no collectstatic.
WHITENOISE_USE_FINDERS = True

# The REST API (/api/v1/): personal tokens or the session, one error shape, rates per token,
# user and MSP.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.IsPartnerMember"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    # JSON only, errors too: the browsable docs are /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_RATE = os.environ.get("API_RATE", "600/min")  # per token; counted in the database
# All of a user's tokens and their session together; empty: the same as API_RATE.
API_RATE_PER_USER = os.environ.get("API_RATE_PER_USER", "")
# All of an MSP's users together; empty: four times API_RATE.
API_RATE_PER_PARTNER = os.environ.get("API_RATE_PER_PARTNER", "")
API_WRONG_TOKENS_PER_MINUTE = envint("API_WRONG_TOKENS_PER_MINUTE", 20)  # per client address
IDEMPOTENCY_KEEP_HOURS = envint("IDEMPOTENCY_KEEP_HOURS", 24)
SPECTACULAR_SETTINGS = {
    "TITLE": "MSP Partner Portal API",
    "DESCRIPTION": (
        "Everything the portal's screens do for an MSP: prospects, contracted prices, orders, "
        "customers and change orders, users. Authenticate with a personal API token "
        "(`Authorization: Bearer msp_…`) made on your profile page. Every POST that creates or "
        "submits takes an `Idempotency-Key` header."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each one, a link, inside the operation's button (nested
    # controls, which a screen reader cannot tell apart).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CompanyStatusEnum": "portal.companies.models.Company.Status",
        "ImportStatusEnum": "portal.prospects.models.ProspectImport.Status",
        "CommitmentEnum": "portal.catalog.models.Commitment",
        "RenewalChangeKindEnum": "portal.renewals.models.RenewalChange.Kind",
        "RenewalChangeStatusEnum": "portal.renewals.models.RenewalChange.Status",
    },
}
# Background work: the database queue by default, committed with the transaction that
# enqueues it; TASK_BACKEND=rq (with REDIS_URL) is the scale-out option.
if os.environ.get("TASK_BACKEND") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Periodic jobs: `manage.py portal_scheduler` (run by bin/serve) enqueues each task on its
# cron schedule (in TIME_ZONE); every job is safe to run twice or in two workers at once.
SCHEDULE = {
    # Scheduled agreement versions take effect on their date (cheap when none is due).
    "portal.companies.tasks.scheduled_versions_take_effect": os.environ.get(
        "SCHEDULE_VERSIONS_TAKE_EFFECT", "*/15 * * * *"
    ),
    # The apps' clean-ups: old idempotency keys, rate counts, finished tasks, scheduler runs.
    "portal.core.tasks.purge": os.environ.get("SCHEDULE_PURGE", "7 * * * *"),
    # Terms due renew on their end date (versions due take effect first); a run with nothing
    # due costs one statement.
    "portal.renewals.tasks.renew_due_terms": os.environ.get(
        "SCHEDULE_RENEW_DUE_TERMS", "*/15 * * * *"
    ),
    # Reminders due (terms ending, deadlines, quotes, RFIs, orders), each sent once.
    "portal.reminders.tasks.send_reminders": os.environ.get("SCHEDULE_REMINDERS", "5 * * * *"),
    # Without a vendor endpoint, the simulated vendor reports yesterday's usage each morning.
    "portal.sync.tasks.simulated_usage": os.environ.get("SCHEDULE_SIMULATED_USAGE", "30 5 * * *"),
    # Customers whose licensed, used or billed seats changed are reconciled again (usage.drift).
    "portal.usage.tasks.reconcile": os.environ.get("SCHEDULE_RECONCILE", "*/5 * * * *"),
    # Each MSP's weekly seat reconciliation digest to its Admins, once a week.
    "portal.usage.tasks.send_usage_digests": os.environ.get("SCHEDULE_USAGE_DIGESTS", "0 7 * * 1"),
    # Each user's daily digest of the reminders they get that way.
    "portal.reminders.tasks.send_reminder_digests": os.environ.get(
        "SCHEDULE_REMINDER_DIGESTS", "0 7 * * *"
    ),
}
# Finished tasks of the database queue are kept this long (for the console), then purged.
TASK_RESULTS_KEPT_DAYS = envint("TASK_RESULTS_KEPT_DAYS", 14)

# Prospect imports: checking and saving one file stops itself after this long (and an import
# whose worker died is ended as failed a minute later); one that no worker takes up within the
# wait limit is ended as failed too. The file limits are in portal/prospects/xlsx_check.py.
PROSPECT_IMPORT_TIME_LIMIT_SECONDS = envint("PROSPECT_IMPORT_TIME_LIMIT_SECONDS", 600)
PROSPECT_IMPORT_WAIT_LIMIT_SECONDS = envint("PROSPECT_IMPORT_WAIT_LIMIT_SECONDS", 6 * 60 * 60)

# E-mail: .eml files under var/mail/ unless SMTP is configured.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MSP Partner Portal <portal@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "portal.core.mail_backends.EmlFileBackend"
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
# The outbox tries this many times, waiting base × 4^attempt seconds between tries.
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 5)
OUTBOX_RETRY_BASE_SECONDS = envint("OUTBOX_RETRY_BASE_SECONDS", 30)
# A row whose worker died mid-delivery (or whose task was lost) is handed to a new task by
# `manage.py outbox_recover` once it has been waiting this long.
OUTBOX_RECOVER_AFTER_SECONDS = envint("OUTBOX_RECOVER_AFTER_SECONDS", 120)
# /readyz reports an outbox stalled when a row has been due this long without a delivery.
OUTBOX_STALLED_SECONDS = envint("OUTBOX_STALLED_SECONDS", 900)
# /metrics is served with this bearer token, or to these addresses or networks; else not at all.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = envlist("METRICS_ALLOWED_ADDRESSES", "")
# A task left running by a worker that stopped giving signs of life for this long (or, under
# a worker that gives none, started this long ago) is handed back to the queue by
# `outbox_recover`, or failed once it has been tried TASK_MAX_RUNS times.
WORKER_LOST_AFTER_SECONDS = envint("WORKER_LOST_AFTER_SECONDS", 60)
TASK_RUNNING_LIMIT_SECONDS = envint("TASK_RUNNING_LIMIT_SECONDS", 3600)
TASK_MAX_RUNS = envint("TASK_MAX_RUNS", 3)
# Workers and `outbox_recover` that lose the database wait 1, 2, 4 … up to this many seconds
# between tries to reconnect.
DB_RECONNECT_MAX_SECONDS = envint("DB_RECONNECT_MAX_SECONDS", 30)

# Vendor sync. With no SYNC_VENDOR_URL the built-in simulated provisioner confirms each
# provisioning request after SYNC_SIMULATOR_DELAY_SECONDS, through the callback's code path.
SYNC_VENDOR_URL = os.environ.get("SYNC_VENDOR_URL", "").strip()
SYNC_SECRET = os.environ.get("SYNC_SECRET", "")
SYNC_TIMEOUT_SECONDS = float(os.environ.get("SYNC_TIMEOUT_SECONDS", "10"))
SYNC_MAX_ATTEMPTS = envint("SYNC_MAX_ATTEMPTS", 8)
SYNC_RETRY_BASE_SECONDS = envint("SYNC_RETRY_BASE_SECONDS", 30)
# A callback signed longer ago than this (or as far ahead) is refused as a replay.
SYNC_CALLBACK_MAX_AGE_SECONDS = envint("SYNC_CALLBACK_MAX_AGE_SECONDS", 300)
SYNC_SIMULATOR_DELAY_SECONDS = float(os.environ.get("SYNC_SIMULATOR_DELAY_SECONDS", "3"))

# Webhooks to MSPs' own systems: each try's timeout, tries before a delivery is failed, and the
# back-off (about 30 s, 2 min, 8 min, …). Only public addresses get webhooks unless allowed.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = envbool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# Verify asks the system's DNS resolver unless DNS_NAMESERVERS names others.
DNS_NAMESERVERS = envlist("DNS_NAMESERVERS", "")
DNS_PORT = envint("DNS_PORT", 53)
DNS_TIMEOUT_SECONDS = float(os.environ.get("DNS_TIMEOUT_SECONDS", "2"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# One line a request and a task; LOG_FORMAT=json for a log shipper, else for a person.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.core.logs.ContextFilter"}},
    "formatters": {
        "text": {"()": "portal.core.logs.TextFormatter"},
        "json": {"()": "portal.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # PDF rendering logs every layout step and font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; the security log keeps what matters.
        "axes": {"level": "WARNING"},
        # portal.tasks writes the one line a task (django-tasks' own: its failures only).
        "django_tasks": {"level": "WARNING"},
        # portal.requests writes the one line a request.
        "django.server": {"level": "WARNING"},
    },
}
