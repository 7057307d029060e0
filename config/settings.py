"""Settings, read from the environment.

Without any environment the app runs on an embedded default that needs no
server: SQLite, a file-based Celery broker and e-mail written to files, all
under ./var. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY,
ALLOWED_HOSTS and EMAIL_URL (see docker-compose.yml).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HRDDP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-demo-0123456789"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    # Second factors, re-authentication, the list of a user's sessions, and single sign-on (accounts/).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_celery_beat",
    "import_export",
    "django_filters",
    "hrddp",
    "accounts",
    "assessments",
    "mitigation",
    "monitoring",
    "interventions",
    "portfolio",
    "imports",
    "register",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "evidence",
    "discussion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for slow links (static files come compressed from WhiteNoise). The CSRF token is masked
    # anew on every response, so compression does not reveal it (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hrddp.middleware.SessionLifetimeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Those who must use a second factor reach nothing but its enrolment until they have one.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # Who is asking, for the audit entries of the register's alerts (register.alerts).
    "register.middleware.ActingUserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hrddp.middleware.SecurityHeadersMiddleware",
    # Axes must come last so that it sees the outcome of the login views.
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
                "hrddp.context_processors.inbox",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hrddp.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web app, the worker and beat share one file: wait for locks instead of
    # failing, and take the write lock at the start of a transaction so that a
    # read-then-write cannot deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# On PostgreSQL the owner runs the migrations and the app runs as this role, which
# `manage.py db_roles` creates and every migrate grants (hrddp/db_roles.py).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="hrddp_app")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache remembers the one-time codes already used (a replayed code is refused) and the rate limits of
# second-factor attempts. Several web workers must share it: production sets CACHE_URL (e.g. redis://...);
# the embedded default, one process, keeps it in memory.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}

# --- Authentication and sessions ----------------------------------------
AUTH_USER_MODEL = "hrddp.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's username and password check, as allauth's flows (second factor, single sign-on) expect it.
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "engagement_list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 30 minutes idle and 12 hours at most (hrddp.middleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_MAX_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockouts hit the attacker, not the office behind one proxy: five failures lock that username from that
# address; twenty from anywhere lock the username itself (accounts.lockouts). An address alone never locks,
# so a colleague guessing wrong cannot lock everyone behind the same proxy.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "accounts.lockouts.PairThenUserHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.locked_out_response"
# How many reverse proxies of our own stand before the app: each appends the address it was reached from to
# X-Forwarded-For, so the client is the one that many entries from the right. 0 (the default): the header is
# ignored, since anyone can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockouts.attempted_username"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Who to ask when locked out, shown on the locked-out page.
ACCOUNT_HELP_CONTACT = env.str("ACCOUNT_HELP_CONTACT", default="your office's system administrator")
AXES_VERBOSE = False

# --- Second factor, re-authentication, single sign-on (django-allauth) -------------------------------
# Chiefs of Mission, the HQ Human Rights Team, holders of a confidential grant and staff must enrol a
# second factor before they reach anything else (hrddp.access.must_use_second_factor).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TOTP_PERIOD = 30
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="HRDDP")
MFA_PASSKEY_LOGIN_ENABLED = False
# A security key needs HTTPS, except on the embedded default at http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Approving, suspending and ceasing support, granting confidential access and issuing a letter ask for the
# password or second factor again when the last check is older than this (hrddp.reauthentication).
REAUTHENTICATE_AFTER_MINUTES = env.int("REAUTHENTICATE_AFTER_MINUTES", default=15)
ACCOUNT_REAUTHENTICATION_TIMEOUT = REAUTHENTICATE_AFTER_MINUTES * 60
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# Single sign-on through the organisation's identity provider (OpenID Connect: Microsoft Entra ID and
# others), beside the local sign-in, when an issuer is set. SSO matches an existing account by its verified
# e-mail, in one of the allowed domains; it never makes an account nor grants a role.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ALLOWED_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env.list("OIDC_ALLOWED_EMAIL_DOMAINS", default=[])]
OIDC_NAME = env.str("OIDC_NAME", default="your organisation's account")
# Some providers (Microsoft Entra ID among them) send no `email_verified` claim. Where the allowed domains are
# the organisation's own, verified at the provider, their addresses may be taken as verified.
OIDC_TRUST_ALLOWED_DOMAINS = env.bool("OIDC_TRUST_ALLOWED_DOMAINS", default=False)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": OIDC_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_ISSUER, "token_auth_method": "client_secret_post"},
            }
        ] if OIDC_ISSUER else [],
    }
}

# Guardian: no anonymous user; object permissions are for signed-in staff only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation -----------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded evidence, letters' and reports' PDFs and staged imports all go through the "default" storage: the local
# folder MEDIA_ROOT on one machine; with STORAGE_BACKEND=s3, an S3-compatible bucket that every web and worker
# machine shares (django-storages). Nothing there is served from a public URL: the app reads and sends each file.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # A name once written is never written again (evidence is never overwritten), objects stay private.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("STORAGE_BACKEND is 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hrddp@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------
# A publish must never hang a web request when a network broker is down.
NETWORK_BROKER_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    # Kombu's own reconnection (2 s between tries by default) would hold the request.
    "max_retries": 0,
    "interval_start": 0,
    "visibility_timeout": 3600,
}
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder that the web app,
    # the worker and beat share.
    _queue = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(NETWORK_BROKER_OPTIONS)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# With the broker down, a publish fails at once instead of retrying for
# seconds: the request answers, and the database keeps what is due.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# --- Exports (django-import-export) --------------------------------------
# The app's pages import and export (hrddp.export_lists, hrddp.import_records). Should the library's
# admin buttons ever be added, they would ask for "<app>.import_<model>" / "export_<model>", which no
# role holds, instead of letting anyone who may change a model do both.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# --- Security (production) ----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the app's pages load their styles and images from the app itself
# and run no inline script or style, so an injected tag can neither run nor send data elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The address links in e-mails point to.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# How many days an engagement may wait for a Chief of Mission's decision
# before a reminder goes out.
HRDDP_DECISION_WAIT_DAYS = env.int("HRDDP_DECISION_WAIT_DAYS", default=10)

# --- Imports: the caps an uploaded file is read under (common/tabular/file_limits.py) ---
# A 10 MB XLSX file can unfold into gigabytes of XML, and a sheet can claim a million rows or 16,384
# columns: every upload is checked against these before it is parsed, and a refusal names the cap.
# The defaults pass the 10,000-row imports of tests/test_import_benchmark.py with room to spare.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Rows below the column names; 20,000 keeps a dry run well inside a web worker's 30-second timeout.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# An export of more rows than this is built by a worker, its progress shown on its own page
# (portfolio.background_exports).
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=2000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
# Excel's own limit for a cell.
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=32_767)
# An XLSX archive, all parts together, once decompressed (a 10,000-row sheet is about 10 MB).
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
# Beyond this a part larger than 1 MB is taken for a compression bomb (genuine sheets: 5 to 20 to 1).
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Each part that describes the workbook (styles, theme, workbook, relationships, properties): Excel's
# 64,000 cell formats fit in about 4 MB, and openpyxl builds objects for all of them.
IMPORT_MAX_PART_BYTES = env.int("IMPORT_MAX_PART_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ARCHIVE_MEMBERS = env.int("IMPORT_MAX_ARCHIVE_MEMBERS", default=1_000)
# Request bodies: an uploaded file above this goes to a temporary file, not memory (the import page's
# own upload handler stops a file at IMPORT_MAX_UPLOAD_BYTES); other fields are held to this in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=int(2.5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=int(2.5 * 1024 * 1024))

# --- The REST API (api/) ----------------------------------------------------------------------
# Token or session, signed in; every list paged (at most api.limits.Pages.max_page_size rows); calls per token
# limited (API_RATE, counted in the default cache: per process unless CACHES points at a shared one); errors
# in one JSON shape. Request bodies are capped by DATA_UPLOAD_MAX_MEMORY_SIZE above.
API_RATE = env.str("API_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.SignedInReadersRead"],
    "DEFAULT_THROTTLE_CLASSES": ["api.limits.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.limits.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.limits.errors_as_json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HRDDP case management API",
    "DESCRIPTION": (
        "The records a user may see, and the steps they may take, as on the pages: another office's record is "
        "a 404, a step the role may not take a 403. Authenticate with a personal API token "
        "(`Authorization: Bearer <token>`, created on /api/tokens/) or the browser session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for each choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "RiskRatingEnum": "assessments.models.RiskRating",
        "SourceReliabilityEnum": "assessments.models.SourceReliability",
        "RecipientCategoryEnum": "hrddp.models.RecipientCategory",
        "AllegationCategoryEnum": "register.models.AllegationCategory",
        "MeasureStatusEnum": "mitigation.models.MeasureStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses",
    ],
}
# --- Evidence files (evidence/) ---
# The largest file kept as evidence, and what an office document's parts may unfold to once opened.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
EVIDENCE_MAX_UNCOMPRESSED_BYTES = env.int("EVIDENCE_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
# ClamAV's daemon, to scan every upload: a Unix socket path, or tcp://host:port. Empty: no scan.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
