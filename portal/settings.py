"""Settings for the resource family partner portal.

Every deployable value comes from the environment. PORTAL_ENV picks the safety
net: ``development`` (the default) may fall back to an embedded SQLite database,
a console mailer and an insecure key; ``production`` refuses to start without
the real values.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str | None = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_time(name: str, default: str) -> time:
    raw = env_str(name, default)
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time like 08:00, not {raw!r}.") from None


PORTAL_ENV = env_str("PORTAL_ENV", "development")
if PORTAL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_ENV must be development or production.")
PRODUCTION = PORTAL_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    None if PRODUCTION else "development-only-insecure-key-do-not-deploy-0123456789abcdef",
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", None if PRODUCTION else "localhost,127.0.0.1,[::1]")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}
if DEBUG and (PRODUCTION or not set(ALLOWED_HOSTS) <= LOCAL_HOSTS):
    # Debug pages show settings and code: never where anyone but the developer can reach them.
    raise ImproperlyConfigured("DJANGO_DEBUG can be on only in development on this computer (ALLOWED_HOSTS local).")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", None if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "portal.accounts",
    "portal.audit",
    "portal.followups",
    "portal.notifications",
    "portal.reports",
    "portal.satisfaction",
    "inquiries",
    "placements",
    "reimbursements",
    "messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.audit.context.AuditContextMiddleware",
    "portal.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.StaffMustUseMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.notifications.context_processors.unread_notifications",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", None if PRODUCTION else f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for each other's writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("Set the environment variable REDIS_URL.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.TolerantRedisCache",  # Redis down: pages still serve (portal/cache.py)
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "portal.accounts.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # an invitation proves the address
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("PORTAL_LOGIN_RATE_LIMIT", "5/5m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/5m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("PORTAL_AGENCY_NAME", "Family and Children's Services")

SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_SECONDS", 4 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last thing a person did
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
INVITATION_VALID_DAYS = env_int("PORTAL_INVITATION_VALID_DAYS", 14)
# An inquirer's private status link (no account): how long it works, and how many inquiries one
# address may send per hour before the form asks them to call instead.
PORTAL_INQUIRY_LINK_DAYS = env_int("PORTAL_INQUIRY_LINK_DAYS", 90)
PORTAL_INQUIRY_RATE_LIMIT = env_int("PORTAL_INQUIRY_RATE_LIMIT", 5)
# Families are reminded this many calendar days before a hearing, meeting or visit, at the same time of day.
try:
    PORTAL_EVENT_REMINDER_DAYS = [int(days) for days in env_list("PORTAL_EVENT_REMINDER_DAYS", "7,1")]
except ValueError:
    raise ImproperlyConfigured("PORTAL_EVENT_REMINDER_DAYS must be whole numbers of days separated by commas, e.g. 7,1.") from None
if any(days < 1 or days > 60 for days in PORTAL_EVENT_REMINDER_DAYS):
    raise ImproperlyConfigured("PORTAL_EVENT_REMINDER_DAYS must be between 1 and 60 days.")
# Board for a month is paid on this business day of the following month.
PORTAL_BOARD_PAY_BUSINESS_DAY = env_int("PORTAL_BOARD_PAY_BUSINESS_DAY", 5)
if not 1 <= PORTAL_BOARD_PAY_BUSINESS_DAY <= 15:
    raise ImproperlyConfigured("PORTAL_BOARD_PAY_BUSINESS_DAY must be between 1 and 15.")
# Claims for expenses older than this many days are refused at submission (the agency's rule).
PORTAL_CLAIM_MAX_AGE_DAYS = env_int("PORTAL_CLAIM_MAX_AGE_DAYS", 90)

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

# The agency's calendar: portal/business_days.py is the only reader of these.
AGENCY_NAME = env_str("PORTAL_AGENCY_NAME", "Family and Children's Services")
AGENCY_TIME_ZONE = env_str("AGENCY_TIME_ZONE", "America/Chicago")
AGENCY_HOLIDAY_COUNTRY = env_str("AGENCY_HOLIDAY_COUNTRY", "US")
AGENCY_HOLIDAY_SUBDIVISION = env_str("AGENCY_HOLIDAY_SUBDIVISION", "MS")
AGENCY_OFFICE_OPENS = env_time("AGENCY_OFFICE_OPENS", "08:00")
AGENCY_OFFICE_CLOSES = env_time("AGENCY_OFFICE_CLOSES", "17:00")
# Pages and forms show and read times in the agency's zone; the database keeps UTC.
TIME_ZONE = AGENCY_TIME_ZONE
AGENCY_ON_CALL_PHONE = env_str("AGENCY_ON_CALL_PHONE", "1-800-555-0199")
if AGENCY_OFFICE_OPENS >= AGENCY_OFFICE_CLOSES:
    raise ImproperlyConfigured("AGENCY_OFFICE_OPENS must be before AGENCY_OFFICE_CLOSES.")

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env_str("PORTAL_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded files are never served as static media: a view checks who asks first.
PORTAL_ATTACHMENT_MAX_BYTES = env_int("PORTAL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "-")
EMAIL_HOST_USER = "" if EMAIL_HOST_USER == "-" else EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@agency.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = AGENCY_TIME_ZONE  # crontab entries (the Monday digest) run at the agency's local time
# How often the beat sweeps the ledger. A reminder reaches the mail server at most this long (plus well under a
# second) after its moment: 30 s keeps that under a minute (bench/reminder_latency.py measured 60.1 s at 60).
# A sweep with nothing due is one indexed select.
PORTAL_SWEEP_SECONDS = env_int("PORTAL_SWEEP_SECONDS", 30)
# A notification claimed by a worker that died mid-send is taken again after this long.
PORTAL_NOTIFICATION_CLAIM_SECONDS = env_int("PORTAL_NOTIFICATION_CLAIM_SECONDS", 600)
# The health check calls the sweep stale when it has not finished for this long (five missed runs by default).
PORTAL_SWEEP_STALE_SECONDS = env_int("PORTAL_SWEEP_STALE_SECONDS", max(5 * PORTAL_SWEEP_SECONDS, 300))

# --- Security -----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies (load balancer, nginx) stand in front of gunicorn: the audit log's "from where" is then the address
# the first of them saw. 0 (development): the address that connected.
PORTAL_PROXY_COUNT = env_int("PORTAL_PROXY_COUNT", 0)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer probes the web process directly, over plain HTTP
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from the portal's own files: no inline script, no inline style, no other site.
# (The authenticator QR code is an inline image, hence data: for images.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
