"""Settings for the site: one module, every knob read from the environment.

Defaults give a working local site on SQLite with no set-up; production sets
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``SITE_URL`` and usually
``DATABASE_URL``, ``REDIS_URL``, ``EMAIL_URL`` and ``DJANGO_HTTPS=1``.
"""

import contextlib
import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP

from config.environment import env_bool, env_list, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
SECRET_KEY_MISSING = (
    "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (set DJANGO_DEBUG=1 for local development)."
)
# With debug off and no key, SECRET_KEY stays empty: commands that sign nothing (migrate, collectstatic,
# makemigrations, e.g. in an image build) still run, Django refuses anything that would sign with it, and
# config/wsgi.py and asgi.py refuse to start a server at all.
if not SECRET_KEY and DEBUG:
    # Only with DEBUG on, on a developer's machine: a random key kept under var/ (git-ignored), so
    # development sessions survive restarts and no key ever sits in the repository.
    _dev_key_file = VAR_DIR / "dev-secret-key"
    if not _dev_key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _dev_key_file.write_text(secrets.token_urlsafe(50))
        _dev_key_file.chmod(0o600)
    SECRET_KEY = _dev_key_file.read_text().strip()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Self-Mothering")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION", "Reflective essays on caring for yourself the way a good mother would."
)

INSTALLED_APPS = [
    "blog.desk.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "allauth",
    "allauth.account",
    "axes",
    "blog",
    "accounts",
    "jekyll",
    "backups",
    "responses",
    "django_tasks_db",
    "subscriptions",
    "imports",
]

MIDDLEWARE = [
    # First, so every response (redirects, cached pages, errors) carries the request id.
    "config.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise so static files (the SVG icon too) carry the same CSP and framing rule as pages.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL in a path or query is a 400 here, not a PostgreSQL DataError (a 500) in some view.
    "config.guards.RefuseNulMiddleware",
    # Before anything reads a body (the CSRF check does): refuse one too large to be a picture.
    "config.guards.BodySizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "blog.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the member's row kept in the cache (accounts.members).
    "config.members.KeptMemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Below the page cache, the ETag and the Content-Length (CommonMiddleware): it puts a post's kept
    # threads into the drawn page as bytes (responses/middleware.py).
    "responses.middleware.KeptThreadsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.site",
                "accounts.context_processors.saved",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The file holds members' notes and password hashes: readable by the site's own user alone. SQLite
    # gives its -wal and -shm files the same mode as the database file, so creating that one is enough.
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        # Already there (its mode is the operator's), or no such folder (SQLite will say so): nothing to do.
        with contextlib.suppress(OSError):
            os.close(os.open(_sqlite_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # WAL lets readers run beside a writer; IMMEDIATE transactions and a busy
    # timeout make concurrent writers queue instead of failing "database is locked".
    # synchronous=FULL: a note a member saw saved survives a power cut, not only a crash.
    # init_command is split on ";" and each PRAGMA run on every new connection. Connections are kept
    # (DATABASE_CONN_MAX_AGE, as for PostgreSQL): opening one per request re-ran these PRAGMAs and
    # started every request with a cold page cache, a third of a member page's time.
    # mmap_size: pages read through the map count in each worker's resident memory, so the map is kept
    # to 32 MB (the hot pages of a member's requests fit); the rest is read into SQLite's own page cache.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            "PRAGMA foreign_keys=ON; PRAGMA mmap_size=33554432; PRAGMA cache_size=-20000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Cache: shared by every worker process of a machine by default (files under
# var/), Redis across machines when REDIS_URL is set. Either may evict any key when full (the file
# cache culls a third of its files at random, Redis per its maxmemory-policy): nothing lasting lives
# only here. The content version's lasting copy is in the database (blog.caching).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "site"),
            "TIMEOUT": 60 * 60 * 24,
        }
    }
else:
    CACHE_DIR = os.environ.get("DJANGO_CACHE_DIR", str(VAR_DIR / "cache"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        # Pages of search results (blog.cards.hit_page) in a folder of their own, inside the cache's: each
        # word searched for the first time is a write, and the file cache lists its whole folder on every
        # write, so a write costs in proportion to the files beside it. It holds nothing else: it is emptied
        # whenever the content version changes (blog.caching), since every page in it is then stale. With
        # Redis (no such cost) they share the default cache, whose old pages simply age out.
        "search": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(CACHE_DIR, "search"),
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SEARCH_CACHE_MAX_ENTRIES", "1000"))},
        },
        # The marks of pages of hits being built (blog.cards), a few at a time in a folder of their own: written
        # beside the pages, each mark listed every page's file first, as each page's write does.
        "search-building": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(CACHE_DIR, "search", "building"),
            "TIMEOUT": 60,
        },
    }

# What each worker process keeps in its own memory too (blog.cards), at most, beside the shared cache: pages
# of search results, pages of cards (home, a tag, the archive), and search hits' cards drawn but their
# snippet. Each entry is a few KB; lower them for a worker with little memory.
WORKER_HIT_PAGES = max(1, int(os.environ.get("WORKER_HIT_PAGES", "256")))
WORKER_CARD_PAGES = max(1, int(os.environ.get("WORKER_CARD_PAGES", "128")))
WORKER_HIT_CARDS = max(1, int(os.environ.get("WORKER_HIT_CARDS", "2048")))

# How long browsers and CDNs may keep an anonymous public page.
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS L2: at least 12 characters (a short phrase is easier to remember than a short password).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt for a locked-out account and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # The only backend that checks passwords (it is Django's ModelBackend plus the email lookup, so staff
    # permissions work too): a second one would hash every failed attempt twice.
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth: email is the login; no username field for people to invent.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# "optional": an account staff made in the admin logs in before its address is confirmed; an account made
# by sign-up never does (accounts/adapter.py). "mandatory" asks every account to confirm first.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Sign-up always finishes through the emailed link, so a known address gets the same answer as a
# new one; the link logs the newcomer in and returns them to the piece they were saving
# (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
# Adding an address or making one primary asks for the password again (if not typed in the last five
# minutes); changing the password asks for the old one in the same form.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# A changed password, a changed login address (told to the old one) and a removed address are emailed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# The same forms with every email and password capped in length.
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "accounts.forms.ConfirmLoginCodeForm",
}
# A member made by subscribing has no password: they (and anyone) may log in with a code emailed to the
# address. allauth limits it: a code per address three times a minute (20 a minute per visitor), three
# tries per code, and the code lasts ten minutes; an unknown address gets the same page and an email
# saying there is no account. Only an address its owner proved counts (accounts.forms).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = int(os.environ.get("ACCOUNT_LOGIN_BY_CODE_TIMEOUT", str(10 * 60)))
LOGIN_URL = "account_login"
# Apps with their own part of a member's data, for "Download my data" and account deletion (accounts/providers.py).
ACCOUNT_DATA_PROVIDERS = ["responses.privacy.provider", "subscriptions.privacy.provider"]

# Login lockout (django-axes). Staff log in through the members' login (accounts/admin.py), so one set of
# limits holds for both. Five failures for one account from one address pause that pair for 15 minutes:
# a stranger elsewhere cannot lock the owner out, and a success clears only that pair's failures.
# Across addresses, allauth's own rate limits slow guessing without locking anyone out: five failures per
# account in five minutes, ten a minute per address (its defaults; ACCOUNT_RATE_LIMITS is not set).
# Failures during a lockout don't extend it, so the promised time holds for the real owner.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_identifier"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# Successful logins are not recorded: no growing log of members' addresses and browsers.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner: logs go to stdout, where commands such as dumpdata write their output.
AXES_VERBOSE = False
# How many reverse proxies of ours stand in front (their X-Forwarded-For entries are trusted); behind one,
# set it to 1, or every request shares the proxy's address. 0 unless set: with a count of 1 and gunicorn
# reachable directly, anyone could pick the address they are counted under.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
LOGIN_REDIRECT_URL = "blog:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "blog:home"

# Email: console by default, real SMTP from EMAIL_URL.
MAILERS = {"default": mailer_from_url(os.environ.get("EMAIL_URL", "console:"))}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Self-Mothering <hello@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---- Email subscriptions and background work (subscriptions/) ----
# Tasks are stored in the database and run by `manage.py db_worker` (django-tasks-db): no other service.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Digests may go through a sending stream of their own (EMAIL_DIGEST_URL), so that complaints about bulk
# mail never touch the reputation of confirmation and essay emails; by default the same server.
if os.environ.get("EMAIL_DIGEST_URL"):
    MAILERS["digests"] = mailer_from_url(os.environ["EMAIL_DIGEST_URL"])
SUBSCRIPTIONS_MAILERS = {"essay": "default", "digest": "digests" if "digests" in MAILERS else "default"}
# A delivery claimed this long ago by a worker that never finished it is taken up again (the worker died).
SUBSCRIPTIONS_CLAIM_SECONDS = int(os.environ.get("SUBSCRIPTIONS_CLAIM_SECONDS", "300"))
# Temporary SMTP failures (4xx, dropped connections) are retried after 1, 2, 4... times this, then given up.
SUBSCRIPTIONS_RETRY_SECONDS = int(os.environ.get("SUBSCRIPTIONS_RETRY_SECONDS", "300"))
SUBSCRIPTIONS_MAX_ATTEMPTS = int(os.environ.get("SUBSCRIPTIONS_MAX_ATTEMPTS", "8"))
# SMTP connections a worker sends one mailing over at once, a thread each (a message waits for four answers
# from the server in turn). SQLite lets one writer in at a time, so one connection there unless set.
_SEND_CONNECTIONS = "1" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "4"
SUBSCRIPTIONS_SEND_CONNECTIONS = int(os.environ.get("SUBSCRIPTIONS_SEND_CONNECTIONS", _SEND_CONNECTIONS))
# ---- end of email subscriptions ----

# ---- Imports from the admin (imports/) ----
# A zip (or Markdown files) uploaded by staff; the request guard below must let the largest one through.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# What a zip may hold (checked from its directory before anything is unpacked).
IMPORT_MAX_FILES = int(os.environ.get("IMPORT_MAX_FILES", "5000"))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_MARKDOWN_FILES = int(os.environ.get("IMPORT_MAX_MARKDOWN_FILES", "100"))
# Up to this many files and bytes are imported while the person waits; more go to the task worker.
IMPORT_INLINE_MAX_FILES = int(os.environ.get("IMPORT_INLINE_MAX_FILES", "10"))
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("IMPORT_INLINE_MAX_BYTES", str(512 * 1024)))
# A run no worker has moved for this long is shown as stopped (the worker died, or none is running).
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "900"))
# Uploads wait here for their run: private (never under MEDIA_ROOT, which the site serves). Several
# machines need one folder they all see, or an S3 storage here with a private bucket.
IMPORT_UPLOAD_DIR = Path(os.environ.get("IMPORT_UPLOAD_DIR", VAR_DIR / "imports"))
# ---- end of imports ----

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media (essays' pictures): files under the var dir, served by the site itself at /media/, unless
# MEDIA_S3_BUCKET names an S3-compatible bucket (django-storages). MEDIA_PUBLIC_URL, when set, is where
# browsers fetch media from (a CDN or the bucket's public address); otherwise the site serves it.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_DIR", VAR_DIR / "media"))
MEDIA_URL = "/media/"
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL", "").rstrip("/")
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("MEDIA_S3_PREFIX", ""),
            # Names are content hashes: a stored file never changes, and the site links without signatures.
            "file_overwrite": False,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Hosts whose pictures an essay may load directly (else the page links to them): comma-separated.
IMAGE_ALLOWED_HOSTS = [
    host.strip().lower() for host in os.environ.get("IMAGE_ALLOWED_HOSTS", "").split(",") if host.strip()
]
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": IMPORT_UPLOAD_DIR, "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

# Security: strict everywhere, HTTPS-only switches behind DJANGO_HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [
        CSP.SELF,
        "data:",
        *([f"{urlsplit(MEDIA_PUBLIC_URL).scheme}://{urlsplit(MEDIA_PUBLIC_URL).netloc}"] if MEDIA_PUBLIC_URL else []),
        *(f"https://{host}" for host in IMAGE_ALLOWED_HOSTS),
    ],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
}
HTTPS = env_bool("DJANGO_HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a deliberate, hard-to-undo commitment for every subdomain: opt in with
        # DJANGO_HSTS_PRELOAD=1, and until then don't let check --deploy nag about it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Sessions live in the database (they survive a cache flush) and are read through the cache: a
# member's request then costs one query (the user) instead of two.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Request size limits (an over-limit request is a 400, not memory spent). The largest legitimate
# request is staff saving a long essay in the admin; members post a note of 2,000 characters at most.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
# The admin's bulk actions post one field per selected row (100 rows a page, plus a few).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# Only staff upload files (a picture at a time, in the admin; config.guards refuses a second file anywhere but
# the import form, whose own limit is a form error below twice this); Django reads a body's files only for a
# view that asks for them, and every such view is staff-only.
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * IMPORT_MAX_MARKDOWN_FILES
FILE_UPLOAD_HANDLERS = [
    "config.guards.AdminOnlyUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# No request body may be larger: a picture (20 MB at most) or an import's zip (IMPORT_MAX_UPLOAD_BYTES, checked
# against this by imports.checks) with its form around it.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(21 * 1024 * 1024)))

# One line per event on stdout, each with the request id, path and status (tracebacks folded in).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "config.requestlog.RequestContextFilter"}},
    "formatters": {"line": {"()": "config.requestlog.OneLineFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["request_context"],
        }
    },
    # Replaces Django's own "django" handlers (a debug-only multi-line console copy and mail_admins).
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # Lockouts are warnings; axes' four info lines per ordinary login are noise.
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
