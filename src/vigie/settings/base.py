"""Settings shared by every environment. Values come from environment variables."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from vigie.core.event_dates import parse_earliest_date
from vigie.core.files import private_dir, private_file

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def vigie_home() -> Path:
    """Where the default SQLite file, uploads and keys live (VIGIE_HOME); created 0700."""
    home = os.environ.get("VIGIE_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "vigie"
    )
    return private_dir(Path(home).expanduser().resolve())


VIGIE_HOME = vigie_home()
VIGIE_EVIDENCE_DIR = Path(
    os.environ.get("VIGIE_EVIDENCE_DIR") or VIGIE_HOME / "evidence"
).expanduser()
VIGIE_EVIDENCE_MAX_BYTES = int(os.environ.get("VIGIE_EVIDENCE_MAX_BYTES") or 200_000_000)  # 200 MB
VIGIE_KEYS_DIR = Path(
    os.environ.get("VIGIE_KEYS_DIR") or VIGIE_HOME / "keys"
).expanduser()  # outside the database
# Events dated before this (the conflict era the deployment covers) or after today are refused by the
# importers, the report form and the API (vigie.core.event_dates).
VIGIE_EARLIEST_DATE = parse_earliest_date(os.environ.get("VIGIE_EARLIEST_DATE"))


def database_from_environment(default_sqlite: Path) -> dict:
    """DATABASE_URL, or one SQLite file under VIGIE_HOME."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    # Connections are kept between requests (one per server thread) and checked before reuse:
    # opening one costs a few milliseconds per request, more than a list page's own queries.
    conn_max_age = int(os.environ.get("VIGIE_DB_CONN_MAX_AGE", "300"))
    config = dj_database_url.parse(
        url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles a plan whose estimated cost is high even when the costly part is
        # never run (an access rule's subquery on a million rows): 0.5 s of compilation on a query
        # that answers in 1 ms. Vigie's queries are short; JIT does not pay for itself here.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _private_sqlite_file(config["NAME"])
        # WAL lets readers work during an import; IMMEDIATE takes the write lock at BEGIN, so a
        # long import never fails half-way on a lock upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA temp_store=MEMORY;",
            "transaction_mode": "IMMEDIATE",
        }
    return config


def _private_sqlite_file(name) -> None:
    """Create the SQLite file 0600 before SQLite does (it would make it readable by all); SQLite
    then gives its -wal and -shm files the same mode. A path that cannot be created is left for
    SQLite to report when it opens it."""
    name = str(name or "")
    if name and name != ":memory:" and not name.startswith("file:"):
        try:
            private_file(Path(name).expanduser())
        except OSError:
            pass


DATABASES = {"default": database_from_environment(VIGIE_HOME / "vigie.sqlite3")}

# A cache on disk, shared by the server's processes (vigie serve --workers): the dashboard's figures
# are computed by one of them and read by all. It holds aggregates and drawn forms, never a record.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(
            Path(os.environ.get("VIGIE_CACHE_DIR") or VIGIE_HOME / "cache").expanduser()
        ),
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # Drawn fragments (filter forms, the dashboard's tables): each process keeps its own, in memory.
    # (The file cache lists its folder on every write to cull it: too slow for a write per page.)
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "vigie-fragments",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "vigie.accounts.admin_apps.OperatorAdminConfig",  # django.contrib.admin, for instance operators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # API tokens, stored as hashes (vigie.api.tokens)
    "django_filters",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "vigie.core",
    "vigie.places",
    "vigie.actors",
    "vigie.reports",
    "vigie.incidents",
    "vigie.interop",
    "vigie.cases",
    "vigie.evidence",
    "vigie.victims",
    "vigie.intake",
    "vigie.accounts",
    "vigie.api",
    "vigie.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vigie.accounts.middleware.AccountProtectionMiddleware",
    "vigie.core.middleware.ChangeContextMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "vigie.urls"
WSGI_APPLICATION = "vigie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# -- logging in (docs/accounts.md) --------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify, and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username and address first
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): 5 failures for one user name from one address lock both for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("VIGIE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vigie.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "vigie.accounts.throttling.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of Vigie append to X-Forwarded-For (0: use the connection's address).
VIGIE_PROXY_COUNT = int(os.environ.get("VIGIE_PROXY_COUNT", "0"))

# Sessions are kept in the database and read through the shared cache (one query less per page).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions end when the browser closes, and in any case VIGIE_SESSION_HOURS after the login.
VIGIE_SESSION_HOURS = float(os.environ.get("VIGIE_SESSION_HOURS", "8"))
SESSION_COOKIE_AGE = int(VIGIE_SESSION_HOURS * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor login (TOTP). Required, when true, for superusers and for the roles that see victims,
# evidence or cases (vigie.accounts.twofactor); always available to everyone.
VIGIE_REQUIRE_2FA = os.environ.get("VIGIE_REQUIRE_2FA", "0") == "1"
OTP_TOTP_ISSUER = "Vigie"

# API tokens (vigie.api.tokens) end this many days after they are issued; a new one is issued then.
VIGIE_API_TOKEN_DAYS = float(os.environ.get("VIGIE_API_TOKEN_DAYS", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Mali's administration works in French: French is the default, English the other language.
LANGUAGE_CODE = os.environ.get("VIGIE_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [VIGIE_HOME / "locale"]  # compiled catalogues (see vigie.core.i18n)
TIME_ZONE = os.environ.get("VIGIE_TIME_ZONE", "Africa/Bamako")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = private_dir(VIGIE_HOME / "static")
MEDIA_ROOT = VIGIE_HOME / "media"
# Folders and files that Django's storages create (collected static files too) are private, like
# everything under VIGIE_HOME (vigie.core.files).
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_PERMISSIONS = 0o600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `vigie serve` collects the static files under STATIC_ROOT with gzip copies (vigie.cli._serve).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"  # the one login page: the admin's login sends there too
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:incident_list"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIGIE_LOG_LEVEL", "WARNING")},
}

from vigie.api.settings import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: E402,F401

REST_KNOX = {
    "TOKEN_TTL": timedelta(days=VIGIE_API_TOKEN_DAYS),
    "TOKEN_PREFIX": "vigie_",  # lets secret scanners recognise a leaked token
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,  # a token ends on its date, however much it is used
}
