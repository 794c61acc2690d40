"""Django settings for sozialplan, read from the environment.

Zero-config default: SQLite in ``var/sozialplan.sqlite3`` and DEBUG on for the
demo. Production sets ``DEBUG=False``, ``SECRET_KEY`` (or ``SECRET_KEY_FILE``),
``ALLOWED_HOSTS`` and ``DATABASE_URL`` (PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sozialplan.analysis.coverage import DECAY_KINDS
from sozialplan.config.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_positive_int_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"
VAR_DIR = Path(env_str("SOZIALPLAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is False")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdefghij"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "sozialplan.regions",
    "sozialplan.catalog",
    "sozialplan.accounts",
    "sozialplan.offerings",
    "sozialplan.audit",
    "sozialplan.workspace",
    "sozialplan.portal",
    "sozialplan.opendata",
    "sozialplan.indicators",
    "sozialplan.needs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sozialplan.config.urls"
WSGI_APPLICATION = "sozialplan.config.wsgi.application"

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
                "sozialplan.accounts.context_processors.memberships",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sozialplan.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per user name and per address before a pause (see accounts/throttle.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
CSRF_FAILURE_VIEW = "sozialplan.accounts.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# Uploads: anything larger is refused with a German message before parsing.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Maps draw our own boundary GeoJSON; a tile layer is opt-in (no third-party
# requests by default). Example: https://tile.openstreetmap.de/{z}/{x}/{y}.png
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")

# Offers not verified by a person for longer than this are flagged to planners.
ASSURED_MAX_AGE_DAYS = env_int("ASSURED_MAX_AGE_DAYS", 365)

# Statistics: counts below this are suppressed in public views (Geheimhaltung
# kleiner Fallzahlen); ratios whose numerator is below it too.
SMALL_NUMBER_THRESHOLD = env_int("SMALL_NUMBER_THRESHOLD", 3)
# Plan horizon years for population projections per Gemeinde/Planungsraum.
PROJECTION_YEARS = [int(y) for y in env_str("PROJECTION_YEARS", "2030,2035,2040").split(",") if y.strip()]

# Bedarfsanalyse (docs/needs-analysis.md). Straight-line distances are multiplied
# by the detour factor; speeds in km/h; thresholds and catchment in minutes.
# Every value is checked here, so a typo stops the start-up instead of a run.
NEEDS_DETOUR_FACTOR = env_float("NEEDS_DETOUR_FACTOR", 1.3, above=0)
NEEDS_WALK_KMH = env_float("NEEDS_WALK_KMH", 4.5, above=0)
NEEDS_CAR_KMH = env_float("NEEDS_CAR_KMH", 50.0, above=0)
NEEDS_THRESHOLDS_MIN = env_positive_int_list("NEEDS_THRESHOLDS_MIN", [15, 30])
NEEDS_CATCHMENT_MIN = env_float("NEEDS_CATCHMENT_MIN", 30.0, above=0)
NEEDS_DECAY = env_choice("NEEDS_DECAY", "gaussian", DECAY_KINDS)
NEEDS_GAP_MODE = env_choice("NEEDS_GAP_MODE", "car", ("walk", "car"))
NEEDS_GAP_MINUTES = env_float("NEEDS_GAP_MINUTES", 15.0, above=0)
# A Gemeinde is a reach gap when less than this share (0–1) reaches an offer in NEEDS_GAP_MINUTES.
NEEDS_GAP_MIN_SHARE = env_float("NEEDS_GAP_MIN_SHARE", 0.8, above=0, maximum=1)
# … a coverage gap when its 2SFCA ratio is below this multiple of the Kreis's ratio.
NEEDS_COVERAGE_MIN_RATIO = env_float("NEEDS_COVERAGE_MIN_RATIO", 0.5, above=0)
# Candidates with a smaller severity (persons × shortfall × pressure) are not listed as gaps.
NEEDS_GAP_MIN_SEVERITY = env_float("NEEDS_GAP_MIN_SEVERITY", 25.0, minimum=0)
NEEDS_MAX_SNAP_M = env_float("NEEDS_MAX_SNAP_M", 500.0, above=0)
NEEDS_REPAIR_TOLERANCE_M = env_float("NEEDS_REPAIR_TOLERANCE_M", 25.0, minimum=0)
# Demographic pressure of a gap: projected change of the Zielgruppe up to this year.
NEEDS_PRESSURE_YEAR = env_int("NEEDS_PRESSURE_YEAR", 2035)
# Recompute in the background when offers, sites or statistics change.
NEEDS_AUTO_RECOMPUTE = env_bool("NEEDS_AUTO_RECOMPUTE", default=True)
# Minutes after which a run that waits or runs without finishing counts as dead (no worker,
# worker crashed): it no longer blocks a new request and pages stop waiting for it.
NEEDS_RUN_TIMEOUT = env_int("NEEDS_RUN_TIMEOUT", 60, minimum=1)
# Finished runs kept per district (older ones and their area results are deleted).
NEEDS_KEEP_RUNS = env_int("NEEDS_KEEP_RUNS", 5, minimum=1)

# Background tasks (Bedarfsanalyse recomputation) are stored in the database and
# run by `sozialplan db_worker`; the test suite switches to the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}

# Security. Production (DEBUG=False) gets secure cookies, HSTS and SSL redirect;
# SECURE_SSL_REDIRECT can be switched off behind a TLS-terminating proxy that
# already redirects.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_tile_sources = [MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_sources],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
