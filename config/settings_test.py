"""Settings for the test suite: fast hashing, eager tasks, no outside network."""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-test-only-secret-key-test-only")

from config.settings import *  # noqa: E402,F401,F403
from config.settings import DATABASES, STATIC_ROOT  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Persistent connections would outlive the live server's request threads and
# keep the test database busy at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An in-memory test database; Django shares it between threads.
    DATABASES["default"]["TEST"] = {"NAME": None}
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

# WhiteNoise serves from STATIC_ROOT; an empty folder spares a warning per request.
Path(str(STATIC_ROOT)).mkdir(parents=True, exist_ok=True)

# Most tests are about what a role may do, not about how its holder signs in: the second-factor requirement
# is off here, and the tests of signing in (tests/test_second_factor*.py, the browser walk-through of a
# Chief of Mission) turn it on with the `settings` fixture.
MFA_REQUIRED = False
