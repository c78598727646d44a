"""Configuration classes; secrets and addresses come from the environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# This folder, wherever it is: config/ in a checkout, survey/config/ in an installed package.
CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # On SQLite, how long a request waits for another's write to finish before failing (survey/sqlite.py).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", 30_000))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))
    # The largest photo or recording one question takes; a form with such questions accepts this much more.
    MEDIA_MAX_BYTES = int(os.environ.get("MEDIA_MAX_BYTES", 10 * 1024 * 1024))
    WTF_CSRF_TIME_LIMIT = None  # residents may take an hour over a form; the token is tied to the session
    SESSION_COOKIE_HTTPONLY = True
    # A resident's unsent answers, for a form answered without JavaScript: kept on the server (in
    # RESIDENT_DRAFTS_DIR, empty: drafts/ in the instance folder) under a key only their session holds.
    RESIDENT_DRAFTS_DIR = os.environ.get("RESIDENT_DRAFTS_DIR", "")
    RESIDENT_DRAFT_HOURS = int(os.environ.get("RESIDENT_DRAFT_HOURS", 3))
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"  # a cross-site POST does not carry a remembered login
    STRICT_TRANSPORT_SECURITY: str | None = None  # served over plain HTTP in development and tests
    BABEL_DEFAULT_LOCALE = "en"
    # Flask-Compress: pages, not files sent in a stream (static files are kept for a year under
    # versioned URLs instead), whose compressing wrapper leaves the file open.
    COMPRESS_STREAMS = False
    LANGUAGES = ("en", "es")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Werkzeug's hashing method for stored passwords; only the test suite lowers its cost.
    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_FAILURES_PER_MINUTE = int(os.environ.get("LOGIN_FAILURES_PER_MINUTE", 5))
    # Per account, whatever the address: after this many failures in a row the account is locked
    # for LOGIN_LOCKOUT_MINUTES, or until an administrator unlocks it.
    LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 10))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15))
    # Receipt codes a network address may try on /withdraw; a code that is found does not count.
    WITHDRAW_RATE_LIMIT = os.environ.get("WITHDRAW_RATE_LIMIT", "10 per hour")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")  # per device token
    OPENROSA_BASIC_HTTPS_ONLY = False  # ODK Collect may send a field worker's password with HTTP Basic
    COLLECT_PROJECT_NAME = os.environ.get("COLLECT_PROJECT_NAME", "Voces")  # the project ODK Collect shows
    # Where this README is read (https://github.com/ORG/voces/blob/main/README.md): the upload page links
    # a refusal to its section on what Voces reads from an XLSForm. Empty: the page names the section.
    DOCS_URL = os.environ.get("DOCS_URL", "")
    # Maps of locations, only where a tile server is named (tiles are not ours to fetch): its address with
    # {z}/{x}/{y} (and {s} for its sub-domains), and the attribution its terms ask for. Empty: no map is
    # shown and no page asks any tile server for anything.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "")
    # Behind a reverse proxy, how many proxies to trust for the client's address (rate limits, audit).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", 0))
    CODEBOOK_PATH = os.environ.get("VOCES_CODEBOOK", str(CONFIG_DIR / "codebook.yaml"))
    SURVEYS_DIR = str(CONFIG_DIR / "surveys")
    # This programme's confidence calibration, refitted on corrections by `analysis calibrate`; empty:
    # confidence.json in the instance folder. Without the file the package's calibration is used.
    CALIBRATION_PATH = os.environ.get("VOCES_CALIBRATION", "")
    # Where web processes send the analysis and the jobs' chunks, and `celery --app survey.tasks worker`
    # takes them: redis://127.0.0.1:6379/0, or amqp://guest:guest@127.0.0.1:5672// for RabbitMQ. Empty:
    # no worker, the tasks run in the process that asked for them, right after its commit.
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE", "voces")  # one per Voces installation sharing a broker
    # Exports prepared in the background: their files (a folder every worker shares; "" is the
    # instance folder's exports/), and how many days they are kept.
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER", "")
    # A job that has finished no chunk for this long is taken as stalled (its worker stopped), and may be
    # resumed from the jobs page; before that, resuming would only send its chunks twice.
    JOB_STALLED_MINUTES = int(os.environ.get("JOB_STALLED_MINUTES", 10))
    EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", 7))
    # Finished reruns, retrainings and imports (with each imported record's result) are deleted this
    # many days after they finished, when a new import starts or by `delete-old-jobs`.
    JOB_KEEP_DAYS = int(os.environ.get("JOB_KEEP_DAYS", 30))
    # Groups smaller than this are not shown on their own: a count of 2 in a village identifies people.
    MIN_GROUP_SIZE = 5
    # A site's months are merged until they hold this many responses (never fewer than MIN_GROUP_SIZE):
    # larger blocks show fewer months but leave fewer answers withheld inside each (survey/disclosure.py).
    MIN_PERIOD_RESPONSES = int(os.environ.get("MIN_PERIOD_RESPONSES", 20))
    TESTING = False
    DEBUG = False


class Development(Config):
    """Local development: SQLite in the instance folder, debug on."""

    DEBUG = True


class Testing(Config):
    """The test suite: an in-memory or TEST_DATABASE_URL database."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RESIDENT_DRAFTS_DIR = os.path.join(tempfile.gettempdir(), "voces-test-drafts")  # not the checkout's instance/
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER") or os.path.join(tempfile.gettempdir(), "voces-test-exports")
    CELERY_BROKER_URL = ""  # tasks run in the test's process; the worker tests give a broker to their own app
    # Thousands of test accounts: a scrypt hash costs 0.2 s of CPU each, which is its point in production.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


class Production(Config):
    """Served to the public: secure cookies, a real secret required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"  # browsers then refuse plain HTTP for a year
    OPENROSA_BASIC_HTTPS_ONLY = True  # a password in HTTP Basic is readable on the way otherwise


CONFIGS: dict[str, type[Config]] = {
    "development": Development,
    "testing": Testing,
    "production": Production,
}
