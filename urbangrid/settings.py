"""Settings, all read from environment variables; the defaults run the embedded demo.

Production values are documented in README.md. Never commit secrets here.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("URBANGRID_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = envbool("DEBUG", "True")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "accounts",
    "geo",
    "catalog",
    "assets",
    "cases",
    "patrol",
    "evaluation",
    "contract",
    "open311",
    "mobile",
    "centre",
    "demo",
    "urbangrid",  # project-wide management commands (makemessages)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "urbangrid.urls"
WSGI_APPLICATION = "urbangrid.wsgi.application"

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
            ],
        },
    },
]

# SQLite (WAL, busy timeout) unless DATABASE_URL names another database. Connections are kept
# between requests on both: a new SQLite connection per request costs its PRAGMAs and, when it
# was the last one open, a WAL checkpoint on close (over a millisecond of CPU per report).
DATABASE_URL = envstr("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "60"))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(VAR_DIR / "urbangrid.sqlite3")),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
# Parallel test runs (several checkouts on one machine) need distinct PostgreSQL test databases.
if envstr("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": envstr("TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# The language switch (set_language) keeps the choice in this cookie for a year, not just a session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
MEDIA_URL = "/media/"
MEDIA_ROOT = envstr("MEDIA_ROOT", str(VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024 * 1024))

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(90 * 24 * 3600))  # phones stay logged in

# Background work: Celery on Redis when CELERY_BROKER_URL is set; otherwise the same tasks run
# in-process (see urbangrid/celery.py and the `runtasks` management command).
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE

# The district this installation serves (GB/T 2260 code); 530114 is 呈贡区.
URBANGRID_DISTRICT_CODE = envstr("URBANGRID_DISTRICT_CODE", "530114")
# Working hours used for deadlines counted in working time, "HH:MM-HH:MM" ranges.
URBANGRID_WORKING_HOURS = envlist("URBANGRID_WORKING_HOURS", "09:00-12:00,13:30-17:30")
# Optional base-map tile URL for maps (e.g. Tianditu with a key); none by default (offline).
URBANGRID_TILE_URL = envstr("URBANGRID_TILE_URL", "")

# The JSON API never hands out more than this many rows per page (?limit= above it is capped).
NINJA_PAGINATION_MAX_LIMIT = envint("API_MAX_PAGE_SIZE", "1000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# --- geo (branch geo) ---
# How often (seconds) each process checks whether the unit grids changed and its point index
# must be rebuilt; never a database query per lookup.
GEO_INDEX_CHECK_SECONDS = envint("GEO_INDEX_CHECK_SECONDS", "5")
# --- end geo ---

# --- cases ---
# Duplicate detection at intake: same sub-type, open, within this distance and this many days.
URBANGRID_DUPLICATE_METRES = envint("URBANGRID_DUPLICATE_METRES", "50")
URBANGRID_DUPLICATE_DAYS = envint("URBANGRID_DUPLICATE_DAYS", "7")
# Largest photo or document accepted (bytes); photos are re-encoded without metadata anyway.
URBANGRID_MAX_UPLOAD_BYTES = envint("URBANGRID_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
# Reminders: a case is "due soon" this many minutes before its step's deadline; escalated to the
# leaders (督办) this many minutes after it.
URBANGRID_DUE_SOON_MINUTES = envint("URBANGRID_DUE_SOON_MINUTES", "60")
URBANGRID_ESCALATE_AFTER_MINUTES = envint("URBANGRID_ESCALATE_AFTER_MINUTES", "240")
# Periodic tasks: Celery beat in production, `manage.py runtasks --loop` on the embedded default.
CELERY_BEAT_SCHEDULE = {
    "scan-deadlines": {"task": "cases.scan_deadlines", "schedule": 60.0},
}
# --- end cases ---

# --- patrol and mobile (branch mobile) ---
# Seconds between two recorded positions while a supervisor is on duty (上岗).
PATROL_TRACK_INTERVAL_SECONDS = envint("PATROL_TRACK_INTERVAL_SECONDS", "15")
# Faster than this from the previous good point is flagged as an impossible position.
PATROL_MAX_SPEED_KMH = envint("PATROL_MAX_SPEED_KMH", "120")
# A position whose accuracy estimate is worse than this (metres) is flagged as poor.
PATROL_POOR_ACCURACY_M = envint("PATROL_POOR_ACCURACY_M", "100")
# Phones may upload a track up to this many days late (offline); older points are refused.
PATROL_MAX_UPLOAD_AGE_DAYS = envint("PATROL_MAX_UPLOAD_AGE_DAYS", "30")
# The phone app asks for new 核实/核查 tasks this often (seconds).
MOBILE_TASK_POLL_SECONDS = envint("MOBILE_TASK_POLL_SECONDS", "30")
# --- end patrol and mobile ---

# --- evaluation ---
# The attendance roll-up of yesterday (idempotent; late track uploads are picked up on the next run).
CELERY_BEAT_SCHEDULE["evaluation-rollup-attendance"] = {
    "task": "evaluation.rollup_attendance",
    "schedule": 6 * 3600.0,
}
# --- end evaluation ---

# --- centre ---
# The big screen's day summaries: today's recomputed and stored every 30 s, past days stored once
# they are over, so no screen ever computes a month from scratch (centre/stats.py).
CELERY_BEAT_SCHEDULE["centre-refresh-overview"] = {
    "task": "centre.refresh_overview",
    "schedule": 30.0,
}
# --- end centre ---
# --- centre live updates ---
# Every page polls the live badge this often (seconds); a poll with nothing new costs 3 id lookups.
CENTRE_LIVE_POLL_SECONDS = envint("CENTRE_LIVE_POLL_SECONDS", "15")
# --- end centre live updates ---
