"""Settings, read from the environment through small typed helpers.

Production defaults are the safe ones: DEBUG is off unless asked for and the
secret key must come from the environment when it is.
"""

import os
import sys
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value not in ("true", "false"):
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}")
    return value == "true"


def envint(name: str, default: int) -> int:
    value = os.getenv(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.getenv(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into Django's DATABASES entry (sqlite or postgres only)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            path = path[1:]
        else:
            path = str(BASE_DIR / path.lstrip("/")) if path else str(BASE_DIR / "db.sqlite3")
        # Writers wait for the lock (IMMEDIATE takes it at BEGIN, so that a transaction never fails half-way when
        # it starts writing) instead of failing with "database is locked"; WAL is set once on the file by the
        # migration aiguillage 0001.
        # Connections are kept between requests, as on PostgreSQL: opening one costs more than a small page.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": envint("SQLITE_TIMEOUT", 20)},
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme in ("postgres", "postgresql"):
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # No JIT compilation: the planner's estimate puts the open-data counts (EXISTS over relations of a whole
        # directory) above jit_above_cost, and compiling them took 650 of their 720 ms at 30,000 places; the
        # application's queries are short, and JIT only ever paid on long analytical ones.
        options["options"] = " ".join(filter(None, ["-c jit=off", options.get("options", "")]))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of a local settings file (blank lines and ``#`` comments skipped)."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value, not {line!r}")
        values[name.strip()] = value.strip().strip("'\"")
    return values


# A developer's machine: `make setup` writes .env (git-ignored) with DEBUG and a generated SECRET_KEY, so that every
# command of the README works as written. Variables of the environment win over the file; ENV_FILE names another
# file, or none when empty (the tests read none).
ENV_FILE = os.getenv("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    for _name, _value in read_env_file(Path(ENV_FILE)).items():
        os.environ.setdefault(_name, _value)

DEBUG = envbool("DEBUG", "false")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.getenv("SITE_NAME", "aiguillage")

# The territory served is configuration: a comma-separated list of département codes.
TERRITORY_DEPARTEMENTS = envlist("TERRITORY_DEPARTEMENTS", "58")
TERRITORY_NAME = os.getenv("TERRITORY_NAME", "Nièvre")
# Requests from communes outside TERRITORY_DEPARTEMENTS are refused (with the national map's link) unless true.
REQUESTS_OUTSIDE_TERRITORY = envbool("REQUESTS_OUTSIDE_TERRITORY", "false")
NATIONAL_MAP_URL = os.getenv("NATIONAL_MAP_URL", "https://cartographie.societenumerique.gouv.fr/")
# Great-circle distances are multiplied by this factor to approximate road distance.
ROAD_FACTOR = envfloat("ROAD_FACTOR", 1.0)
# Far-point check on imports: a point further than this from its commune's is not trusted.
FAR_POINT_KM = envfloat("FAR_POINT_KM", 20.0)
SEARCH_DEFAULT_RADIUS_KM = envint("SEARCH_DEFAULT_RADIUS_KM", 50)
SEARCH_PAGE_SIZE = envint("SEARCH_PAGE_SIZE", 20)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "aiguillage",
    "accounts",
    "legal",
    "territory",
    "directory",
    "demandes",
    "funding",
    "observatory",
    "library",
    "ninja",
    "api",
    "mailer",
    "csp",
    "roadmap",
    "contributions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aiguillage.replica.ReadReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "aiguillage.urls"
WSGI_APPLICATION = "aiguillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aiguillage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiguillage.context_processors.site",
            ],
            # {% url %} with the links that take no argument kept once worked out (aiguillage/templatetags/urls.py).
            "builtins": ["aiguillage.templatetags.urls"],
        },
    },
]

DATABASES = {"default": database_from_url(os.getenv("DATABASE_URL") or "sqlite:///db.sqlite3")}
# A PostgreSQL read replica (streaming replication) that answers the public read API (aiguillage/replica.py).
DATABASE_REPLICA_URL = os.getenv("DATABASE_REPLICA_URL", "")
READ_REPLICA_PREFIX = os.getenv("READ_REPLICA_PREFIX", "/api/v1/")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["aiguillage.replica.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
# Coordinators and administrators must use a second factor (TOTP) when true; anyone may turn it on.
OTP_REQUIRED = envbool("OTP_REQUIRED", "false")
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", SITE_NAME)
# A signed-in session ends after this many seconds without a request.
STAFF_SESSION_IDLE_SECONDS = envint("STAFF_SESSION_IDLE_SECONDS", 2 * 3600)
LOGOUT_REDIRECT_URL = "directory:home"
# ProConnect, the State's sign-in for public servants (OpenID Connect through mozilla-django-oidc, see
# accounts/proconnect.py): offered on the login page once PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET are
# set. It signs in an existing, active account whose address is the one ProConnect asserts; it never creates an
# account or gives a role. The endpoints are ProConnect's, under PROCONNECT_ISSUER (production by default;
# integration: https://fca.integ01.dev-agentconnect.fr/api/v2).
PROCONNECT_CLIENT_ID = os.getenv("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.getenv("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_ENABLED = bool(PROCONNECT_CLIENT_ID and PROCONNECT_CLIENT_SECRET)
PROCONNECT_ISSUER = os.getenv("PROCONNECT_ISSUER", "https://auth.agentconnect.gouv.fr/api/v2").rstrip("/")
PROCONNECT_LOGOUT_ENDPOINT = os.getenv("PROCONNECT_LOGOUT_ENDPOINT", "") or f"{PROCONNECT_ISSUER}/session/end"
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = PROCONNECT_CLIENT_SECRET
OIDC_OP_AUTHORIZATION_ENDPOINT = os.getenv("PROCONNECT_AUTHORIZATION_ENDPOINT", "") or f"{PROCONNECT_ISSUER}/authorize"
OIDC_OP_TOKEN_ENDPOINT = os.getenv("PROCONNECT_TOKEN_ENDPOINT", "") or f"{PROCONNECT_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = os.getenv("PROCONNECT_USERINFO_ENDPOINT", "") or f"{PROCONNECT_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = os.getenv("PROCONNECT_JWKS_ENDPOINT", "") or f"{PROCONNECT_ISSUER}/jwks"
OIDC_RP_SIGN_ALGO = os.getenv("PROCONNECT_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.getenv("PROCONNECT_SCOPES", "openid email given_name usual_name")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
# Kept in the session for the logout at ProConnect (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = envint("PROCONNECT_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:proconnect_callback"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.proconnect.ProConnectBackend",
]
# Invitations and password-reset links expire.
INVITATION_MAX_AGE_DAYS = envint("INVITATION_MAX_AGE_DAYS", 7)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 3600)
# Failed logins allowed per account and per IP address within LOGIN_THROTTLE_WINDOW seconds.
LOGIN_THROTTLE_PER_ACCOUNT = envint("LOGIN_THROTTLE_PER_ACCOUNT", 5)
LOGIN_THROTTLE_PER_IP = envint("LOGIN_THROTTLE_PER_IP", 20)
LOGIN_THROTTLE_WINDOW = envint("LOGIN_THROTTLE_WINDOW", 15 * 60)
# Password-reset emails per account and per IP address within PASSWORD_RESET_THROTTLE_WINDOW seconds.
PASSWORD_RESET_THROTTLE_PER_ACCOUNT = envint("PASSWORD_RESET_THROTTLE_PER_ACCOUNT", 3)
PASSWORD_RESET_THROTTLE_PER_IP = envint("PASSWORD_RESET_THROTTLE_PER_IP", 10)
PASSWORD_RESET_THROTTLE_WINDOW = envint("PASSWORD_RESET_THROTTLE_WINDOW", 3600)
# Reminders to place managers: days between reminders about the same overdue record; the last repeats.
REMINDER_INTERVALS_DAYS = [int(days) for days in envlist("REMINDER_INTERVALS_DAYS", "7,21,60")]
COORDINATOR_DIGEST_DAYS = envint("COORDINATOR_DIGEST_DAYS", 7)
# How long the "Tout est à jour" link of a reminder stays valid.
CONFIRM_LINK_MAX_AGE_DAYS = envint("CONFIRM_LINK_MAX_AGE_DAYS", 30)
# Requests and orientations.
REQUEST_REFERENCE_DIGITS = envint("REQUEST_REFERENCE_DIGITS", 5)
# The public form: a browser session may send REQUEST_THROTTLE_PER_SESSION requests per window, an IP address
# REQUEST_THROTTLE_PER_IP (a library's or a France Services' computers share one address); a signed-in mediator
# or coordinator is not limited. The honeypot field keeps robots out.
REQUEST_THROTTLE_PER_SESSION = envint("REQUEST_THROTTLE_PER_SESSION", 5)
REQUEST_THROTTLE_PER_IP = envint("REQUEST_THROTTLE_PER_IP", 60)
REQUEST_THROTTLE_WINDOW = envint("REQUEST_THROTTLE_WINDOW", 3600)
# What the tracking page promises: the coordination answers a new request within this many days.
REQUEST_ANSWER_DAYS = envint("REQUEST_ANSWER_DAYS", 5)
# Details a requester may add from the tracking page, per request and per window (seconds).
REQUEST_DETAIL_THROTTLE = envint("REQUEST_DETAIL_THROTTLE", 10)
REQUEST_DETAIL_THROTTLE_WINDOW = envint("REQUEST_DETAIL_THROTTLE_WINDOW", 3600)
# Requests for a new tracking link, per IP address and per email or phone, within the window (seconds).
LOST_LINK_THROTTLE_PER_IP = envint("LOST_LINK_THROTTLE_PER_IP", 10)
LOST_LINK_THROTTLE_PER_CONTACT = envint("LOST_LINK_THROTTLE_PER_CONTACT", 3)
LOST_LINK_THROTTLE_WINDOW = envint("LOST_LINK_THROTTLE_WINDOW", 3600)
ORIENTATION_LINK_DAYS = envint("ORIENTATION_LINK_DAYS", 8)
# After acceptance through the emailed link, the browser that accepted sees the contact details this long;
# afterwards (or from another browser) a code sent to the place's address, tried at most CONTACT_CODE_ATTEMPTS
# times per quarter of an hour, is needed.
CONTACT_WINDOW_MINUTES = envint("CONTACT_WINDOW_MINUTES", 30)
CONTACT_CODE_ATTEMPTS = envint("CONTACT_CODE_ATTEMPTS", 5)
ORIENTATION_REMINDER_DAYS = envint("ORIENTATION_REMINDER_DAYS", 3)
# Closed requests are anonymised after this many months (manage.py anonymize_requests, daily).
REQUEST_RETENTION_MONTHS = envint("REQUEST_RETENTION_MONTHS", 24)
# The log of who saw a requester's contact details (with their IP address) is kept this long, apart.
ACCESS_LOG_RETENTION_MONTHS = envint("ACCESS_LOG_RETENTION_MONTHS", 12)
# The routing engine's thresholds and weights.
ROUTING_PRODUCTION_THRESHOLD = envint("ROUTING_PRODUCTION_THRESHOLD", 20)
ROUTING_MAX_DISTANCE_KM = envfloat("ROUTING_MAX_DISTANCE_KM", 60.0)
ROUTING_WEIGHT_FIT = envfloat("ROUTING_WEIGHT_FIT", 0.5)
ROUTING_WEIGHT_DISTANCE = envfloat("ROUTING_WEIGHT_DISTANCE", 0.35)
ROUTING_WEIGHT_FRESHNESS = envfloat("ROUTING_WEIGHT_FRESHNESS", 0.15)
# /api/v1/suggestions calls per IP address, and /api/v1/requests calls per token, per window (seconds).
API_SUGGESTIONS_THROTTLE_PER_IP = envint("API_SUGGESTIONS_THROTTLE_PER_IP", 60)
API_SUGGESTIONS_THROTTLE_WINDOW = envint("API_SUGGESTIONS_THROTTLE_WINDOW", 60)
API_REQUESTS_THROTTLE_PER_TOKEN = envint("API_REQUESTS_THROTTLE_PER_TOKEN", 120)
API_REQUESTS_THROTTLE_WINDOW = envint("API_REQUESTS_THROTTLE_WINDOW", 3600)
# Reads of the directory (/api/v1/places, /communes, /vocabularies) per IP address, per window (seconds).
API_READS_THROTTLE_PER_IP = envint("API_READS_THROTTLE_PER_IP", 300)
API_READS_THROTTLE_WINDOW = envint("API_READS_THROTTLE_WINDOW", 60)
# How long clients and proxies may keep a read answer before asking again (ETag makes asking again cheap).
API_READS_MAX_AGE = envint("API_READS_MAX_AGE", 60)
# "Fermés récemment" on the coordinators' dashboard covers this many months.
RECENTLY_CLOSED_MONTHS = envint("RECENTLY_CLOSED_MONTHS", 6)
# The observatory: the machines its public page and the committee's report cover (equipment codes), and the
# distances (km) its maps and tables count people beyond.
OBSERVATORY_MACHINES = envlist(
    "OBSERVATORY_MACHINES", "3d_printer,laser_cutter,3d_scanner,embroidery_machine,vr_headset"
)
try:
    OBSERVATORY_THRESHOLDS_KM = sorted(float(km) for km in envlist("OBSERVATORY_THRESHOLDS_KM", "10,20,30,45"))
except ValueError:
    raise ImproperlyConfigured("OBSERVATORY_THRESHOLDS_KM must be numbers separated by commas") from None
if not OBSERVATORY_THRESHOLDS_KM or OBSERVATORY_THRESHOLDS_KM[0] <= 0:
    raise ImproperlyConfigured("OBSERVATORY_THRESHOLDS_KM must be positive distances")
# Error reports one address may send within REPORT_THROTTLE_WINDOW seconds.
REPORT_THROTTLE_PER_IP = envint("REPORT_THROTTLE_PER_IP", 5)
REPORT_THROTTLE_WINDOW = envint("REPORT_THROTTLE_WINDOW", 3600)
# "Ajouter mon lieu" and "C'est mon lieu": sendings per address (generous: a library's shared computer) and per
# email address within CONTRIBUTION_THROTTLE_WINDOW seconds; confirmation links last CONTRIBUTION_LINK_DAYS.
CONTRIBUTION_THROTTLE_PER_IP = envint("CONTRIBUTION_THROTTLE_PER_IP", 20)
CONTRIBUTION_THROTTLE_PER_EMAIL = envint("CONTRIBUTION_THROTTLE_PER_EMAIL", 5)
CONTRIBUTION_THROTTLE_WINDOW = envint("CONTRIBUTION_THROTTLE_WINDOW", 3600)
CONTRIBUTION_LINK_DAYS = envint("CONTRIBUTION_LINK_DAYS", 7)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# The library (ressources, veille, agenda): uploads are checked by content and kept out of the static files.
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", "") or BASE_DIR / "media")
LIBRARY_MAX_UPLOAD_MB = envint("LIBRARY_MAX_UPLOAD_MB", 10)
# Registrations to events and reports on resources, per IP address, per window (seconds).
LIBRARY_REGISTRATION_THROTTLE_PER_IP = envint("LIBRARY_REGISTRATION_THROTTLE_PER_IP", 10)
LIBRARY_REPORT_THROTTLE_PER_IP = envint("LIBRARY_REPORT_THROTTLE_PER_IP", 5)
LIBRARY_THROTTLE_WINDOW = envint("LIBRARY_THROTTLE_WINDOW", 3600)
# How many weeks ahead the agenda shows the stops of itinerant places.
LIBRARY_STOPS_WEEKS = envint("LIBRARY_STOPS_WEEKS", 8)
# An answer sheet is due for a new review after this many months.
LIBRARY_SHEET_REVIEW_MONTHS = envint("LIBRARY_SHEET_REVIEW_MONTHS", 12)

# A cache shared by every app server (Redis): cached lists and rate-limit counters; one process may use memory.
# A cache outage is not a site outage: the "default" cache answers "not cached" when Redis is unreachable, so
# pages fall back to the database; rate limits read the "throttle" alias, which raises instead, so that each
# limit chooses to fail open (reads, forms) or closed (login, password reset).
REDIS_URL = os.getenv("REDIS_URL", "")
CACHE_TIMEOUT_SECONDS = envfloat("CACHE_TIMEOUT_SECONDS", 0.5)
# Public pages (results, map, place pages, agenda, resources, roadmap, observatory) kept as rendered for anonymous
# visitors until what they show changes, and at most this long (aiguillage.page_cache); 0 keeps none.
PUBLIC_PAGES_KEPT_SECONDS = envint("PUBLIC_PAGES_KEPT_SECONDS", 600)
# Without a shared cache, how many page copies each process keeps in memory (about 20 KB each; the least read go first).
PUBLIC_PAGES_KEPT_IN_MEMORY = envint("PUBLIC_PAGES_KEPT_IN_MEMORY", 2_000)


def cache_settings(redis_url: str, timeout: float) -> dict:
    """CACHES for a Redis URL (an empty one: memory of this process)."""
    if not redis_url:
        # Django's default of 300 entries would let rate-limit counters and page copies push out the vocabularies'
        # tokens; the public pages kept as rendered have their own store, so that they push out only each other.
        local = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "aiguillage",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
        pages = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "aiguillage-pages",
            "OPTIONS": {"MAX_ENTRIES": PUBLIC_PAGES_KEPT_IN_MEMORY},
        }
        return {"default": local, "throttle": local, "pages": pages}

    def alias(*, ignore_exceptions: bool, prefix: str = "aiguillage") -> dict:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": ignore_exceptions,
                "SOCKET_CONNECT_TIMEOUT": timeout,
                "SOCKET_TIMEOUT": timeout,
            },
        }

    return {
        "default": alias(ignore_exceptions=True),
        "throttle": alias(ignore_exceptions=False),
        "pages": alias(ignore_exceptions=True, prefix="aiguillage-pages"),
    }


# /sante/ reports the outbox as failing when its oldest unsent email has waited longer than this.
HEALTH_OUTBOX_MAX_AGE_SECONDS = envint("HEALTH_OUTBOX_MAX_AGE_SECONDS", 3600)
CACHES = cache_settings(REDIS_URL, CACHE_TIMEOUT_SECONDS)


def development_port(argv: list[str]) -> str:
    """The port the development server listens on: PORT (the Makefile's), else runserver's own argument."""
    if os.getenv("PORT"):
        return os.environ["PORT"]
    if len(argv) > 2 and argv[1] == "runserver":
        port = next((arg for arg in argv[2:] if not arg.startswith("-")), "").rpartition(":")[2]
        if port.isdigit():
            return port
    return "8000"


# Links in emails, the widget's snippet, QR codes. Without SITE_URL, the development server's address.
SITE_URL = (os.getenv("SITE_URL") or f"http://127.0.0.1:{development_port(sys.argv)}").rstrip("/")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "aiguillage <ne-pas-repondre@aiguillage.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
# Every email goes through the persistent outbox (django-mailer): the web request only queues it,
# `manage.py send_outbox` (cron, every minute) delivers it through OUTBOX_DELIVERY_BACKEND.
EMAIL_BACKEND = "aiguillage.outbox.OutboxBackend"
MAILER_EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
# Deliver right after the queuing transaction commits (tests and demonstrations only: the web
# request would then wait for the mail server).
OUTBOX_SEND_ON_COMMIT = envbool("OUTBOX_SEND_ON_COMMIT", "false")
# A failed message is tried again after OUTBOX_RETRY_BASE_SECONDS × 4^attempts, at most OUTBOX_MAX_ATTEMPTS times.
OUTBOX_RETRY_BASE_SECONDS = envint("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 8)
# Delivery records (without the message itself) are kept this many days.
OUTBOX_LOG_RETENTION_DAYS = envint("OUTBOX_LOG_RETENTION_DAYS", 30)
# The log keeps who and when, never the message body (personal data stays in one place).
MAILER_EMAIL_LOG_MESSAGE_DATA = False
# Several servers may run the send command at once: rows are locked one by one (SELECT … FOR UPDATE
# NOWAIT). SQLite has no row locks, and runs on one machine: a lock file serialises the runs.
MAILER_USE_FILE_LOCK = DATABASES["default"]["ENGINE"].endswith("sqlite3")
MAILER_LOCK_PATH = str(BASE_DIR / "var" / "send_outbox")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "aiguillage" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# A form sent without its CSRF token gets a French page in the site's layout.
CSRF_FAILURE_VIEW = "aiguillage.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Who is told of server errors: "Nom <adresse>, Autre <adresse>". Django emails them every 500 (through the
# outbox) when DEBUG is off.
ADMINS = [parseaddr(entry) for entry in envlist("ADMINS", "")]
if any(not address for _, address in ADMINS):
    raise ImproperlyConfigured("ADMINS must be a comma-separated list of 'Nom <adresse@exemple.fr>'")
# Optional error reporting to a Sentry-compatible service (sentry-sdk); no personal data is sent.
SENTRY_DSN = os.getenv("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        traces_sample_rate=envfloat("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        environment=os.getenv("SENTRY_ENVIRONMENT", "production"),
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# The help line for people who cannot use the site (footer, error pages, tracking page); coordinators may
# replace these defaults at /coordination/ligne-d-aide/.
HELP_LINE_PHONE = os.getenv("HELP_LINE_PHONE", "")
HELP_LINE_HOURS = os.getenv("HELP_LINE_HOURS", "")
if HELP_LINE_PHONE:
    from aiguillage.lib.phone import PhoneError, normalize_phone

    try:
        HELP_LINE_PHONE = normalize_phone(HELP_LINE_PHONE)
    except PhoneError:
        raise ImproperlyConfigured(f"HELP_LINE_PHONE is not a valid telephone number: {HELP_LINE_PHONE!r}") from None

# The legal pages' default texts (coordinators may replace them at /coordination/pages/…/).
CONTACT_EMAIL = os.getenv("CONTACT_EMAIL", "")
LEGAL_PUBLISHER = os.getenv("LEGAL_PUBLISHER", f"Conseil départemental ({TERRITORY_NAME})")
LEGAL_PUBLISHER_ADDRESS = os.getenv("LEGAL_PUBLISHER_ADDRESS", "")
LEGAL_DIRECTOR = os.getenv("LEGAL_DIRECTOR", "")
LEGAL_HOST = os.getenv("LEGAL_HOST", "")
PRIVACY_DPO_EMAIL = os.getenv("PRIVACY_DPO_EMAIL", "")
SECURITY_CONTACT_EMAIL = os.getenv("SECURITY_CONTACT_EMAIL", "") or CONTACT_EMAIL or "securite@aiguillage.invalid"
SECURITY_TXT_DAYS = envint("SECURITY_TXT_DAYS", 365)
# RGAA 4.1: without a full audit a site is declared "non conforme".
ACCESSIBILITY_STATUS = os.getenv("ACCESSIBILITY_STATUS", "non conforme")
ACCESSIBILITY_AUDIT_DATE = os.getenv("ACCESSIBILITY_AUDIT_DATE", "")
ACCESSIBILITY_TEST_DATE = os.getenv("ACCESSIBILITY_TEST_DATE", "décembre 2026")

# manage.py backup writes here, and keeps the BACKUP_KEEP most recent files.
BACKUP_DIR = os.getenv("BACKUP_DIR", str(BASE_DIR / "var" / "backups"))
BACKUP_KEEP = envint("BACKUP_KEEP", 14)

# Map tiles are the only thing a page may fetch from elsewhere, and only on the map page.
MAP_TILES_URL = os.getenv("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = os.getenv(
    "MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs OpenStreetMap</a>'
)

# Content-Security-Policy (django-csp): scripts and styles come from our own static files only; a
# page that needs an inline script gives it the request's nonce ({{ request.csp_nonce }}).
# The map's tiles are the one outside origin; the widget view opens frame-ancestors for itself.
_tiles = urlparse(MAP_TILES_URL)
MAP_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
_logout = urlparse(PROCONNECT_LOGOUT_ENDPOINT)
_proconnect_origin = f"{_logout.scheme}://{_logout.netloc}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", MAP_TILES_ORIGIN],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Logging out of a ProConnect session continues at ProConnect's end-session page (after a form's POST).
        "form-action": ["'self'"] + ([_proconnect_origin] if PROCONNECT_ENABLED else []),
        "frame-src": ["'self'", SITE_URL],
        "frame-ancestors": ["'none'"],
    }
}
