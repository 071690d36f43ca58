"""Django settings for Renda, all read from the environment.

Variables (see README "Settings"):
  DATABASE_URL          default sqlite:///<RENDA_DATA_DIR>/renda.sqlite3 (WAL mode)
  RENDA_DATA_DIR        default ./data — the SQLite file, uploads, generated keys
  RENDA_SECRET_KEY      Django's signing key
  RENDA_FIELD_KEY       base64 key (32 bytes) that encrypts ID numbers and phones at rest
  RENDA_HASH_KEY        base64 key for the keyed hash that lets encrypted values be found by exact value
  RENDA_DEBUG           1 to turn DEBUG on (never in production)
  RENDA_DEMO            1 to allow the demo county to be loaded when DEBUG is off
  RENDA_ALLOWED_HOSTS   comma separated, default 127.0.0.1,localhost
  PORT                  default 8000 (read by the run command)
  REDIS_URL             optional; when set the cache (throttles, lockouts) is shared across workers
  RENDA_EMAIL_BACKEND   Django email backend for notifications, default the console
A file <RENDA_DATA_DIR>/renda.env of KEY=VALUE lines (written by the demo) fills in what the environment lacks.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("RENDA_DATA_DIR", BASE_DIR / "data")).resolve()


def _load_env_file(path: Path) -> None:
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip())


_load_env_file(DATA_DIR / "renda.env")


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("RENDA_DEBUG")
DEMO_ALLOWED = DEBUG or env_bool("RENDA_DEMO")
TESTING = env_bool("RENDA_TESTING")

# Without RENDA_SECRET_KEY (and outside DEBUG and tests) the key stays empty: commands that sign nothing
# (makemigrations, check) still run in a fresh checkout, while Django refuses any use of the key and the web
# server refuses to start (renda/wsgi.py).
SECRET_KEY = os.environ.get("RENDA_SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

FIELD_ENCRYPTION_KEY = os.environ.get("RENDA_FIELD_KEY", "")
FIELD_HASH_KEY = os.environ.get("RENDA_HASH_KEY", "")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("RENDA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
if TESTING:
    ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("RENDA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "renda.core",
    "renda.accounts",
    "renda.organizations",
    "renda.deputies",
    "renda.api",
    "renda.web",
    "renda.demo",
    "renda.insights",
    "renda.workdays",
    "renda.notifications",
    "renda.suggestions",
    "renda.meetings",
    "renda.liaison",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "renda.core.middleware.ContentSecurityPolicyMiddleware",
    "renda.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "renda.accounts.middleware.SessionTimeoutMiddleware",
    "renda.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "renda.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "renda.urls"
WSGI_APPLICATION = "renda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "renda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renda.web.context_processors.shell",
            ],
        },
    }
]

# --- database -----------------------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'renda.sqlite3'}"),
        conn_max_age=int(os.environ.get("RENDA_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two writers
        # queue on busy_timeout instead of failing half-way through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"]["NAME"] = os.environ.get("RENDA_TEST_DB_NAME", "test_renda")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache: local memory in one process, Redis when several workers share throttles and lockouts -------------
CACHES: dict[str, dict[str, object]]
if os.environ.get("REDIS_URL"):
    # Keys carry the database they describe: a staging and a production site (or two counties) sharing one Redis
    # have the same ids, and a cached page or group of one must never be read by the other.
    _db = DATABASES["default"]
    _db_key = f"{_db['ENGINE']}|{_db.get('HOST')}|{_db.get('PORT')}|{_db['NAME']}"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"],
                          "KEY_PREFIX": os.environ.get("RENDA_CACHE_PREFIX") or
                          "renda-" + hashlib.sha256(_db_key.encode()).hexdigest()[:8]}}
else:
    # Django's default of 300 entries is culled by a third whenever it is exceeded: the portal's per-station and
    # per-opinion pages alone pass that in a county, and the culling then throws out the hot station pages.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("RENDA_LOCAL_CACHE_ENTRIES", "20000"))}}}

# --- authentication (等保 2.0 level 3) ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 at its production cost makes every factory-made user take ~50 ms; tests keep argon2 for the
    # password tests (see tests/accounts) and use a fast hasher elsewhere.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "renda.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "renda.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "renda.accounts.validators.NotContainingUsernameValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: the numbers are platform settings kept by the security administrator (renda.accounts.security).
AXES_FAILURE_LIMIT = "renda.accounts.security.failure_limit"
AXES_COOLOFF_TIME = "renda.accounts.security.cooloff_time"
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per account, not per address: a township office shares one address behind NAT, and one clerk's typos must not
# lock out the whole office. Guessing across many accounts from one address is left to the county's gateway (WAF).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failures are cleared by renda.accounts.services once a login is complete: for an administrator only after the
# second factor, so that the password alone does not give a fresh round of TOTP guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "renda.accounts.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "renda.core.middleware.client_ip"
TRUSTED_PROXY = env_bool("RENDA_TRUSTED_PROXY")

SESSION_COOKIE_AGE = 30 * 60  # idle timeout: the cookie is renewed on every request
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("RENDA_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
API_TOKEN_TTL_HOURS = int(os.environ.get("RENDA_API_TOKEN_TTL_HOURS", "12"))
OTP_TOTP_ISSUER = "Renda 人大履职"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (core.middleware.ContentSecurityPolicyMiddleware): scripts, styles, fonts and pictures
# from this site only, so an injected script cannot run. Inline style attributes stay allowed (the pages use a few,
# and htmx adds its indicator styles); scripts never inline, nor eval (renda.js holds the pages' behaviour).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'"])

# --- i18n ---------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- background work: Django's tasks API (django-tasks backport) with its database backend -------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- text intelligence: while a clerk types, the form's assistant asks on every change (several times a second);
# it checks that the similar-case index still matches the cases in the user's scope at most this often (docs/
# insights.md). Each match is still checked against the scope when shown. Tests check on every call (the
# benchmark measures both).
_recheck = float(os.environ.get("RENDA_ASSIST_RECHECK_SECONDS", "2"))
INSIGHTS_ASSIST_RECHECK_SERVED = min(max(_recheck, 0.0), 60.0) if _recheck == _recheck else 2.0  # nan: the default
INSIGHTS_ASSIST_RECHECK_SECONDS = 0.0 if TESTING else INSIGHTS_ASSIST_RECHECK_SERVED

# the congresses whose trained models (category and unit) each process keeps in memory, those used last
# (insights/store.py)
INSIGHTS_MODELS_KEPT = int(os.environ.get("RENDA_INSIGHTS_MODELS_KEPT", "16"))

EMAIL_BACKEND = os.environ.get("RENDA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("RENDA_FROM_EMAIL", "renda@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RENDA_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "ERROR"}},
}
