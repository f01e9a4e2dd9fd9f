"""Settings for the test suite: production settings with test-only relaxations.

DATABASE_URL and REDIS_URL come from `make test` (embedded servers) or from
the environment (external servers); tests never mock either.
"""

import os

# Production-like: DEBUG off, so tests see the same behaviour a force's server does.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from dvpo.settings import *  # noqa: E402,F403
from dvpo.settings import DATABASE_OWNER, REDIS_URL  # noqa: E402

# The suite creates its own test database and migrates it, so it connects as the owner when
# there are two roles (the embedded server's superuser for `make test`); the tests of the
# app's role (tests/audit/test_database_roles.py) log in as that role themselves.
if DATABASE_OWNER:
    DATABASES = {"default": DATABASE_OWNER}
    DATABASE_OWNER = None
    DATABASE_APP_ROLE = ""

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# live_server serves static files through finders, which know no hashed names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the build folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "dvpo-test"  # noqa: F405
# The reports' figures are worked out on every request, so a test sees the data it just
# made; tests/reports/test_reports_cache.py turns the cache on.
REPORT_CACHE_SECONDS = 0

# Celery: tasks run in-process unless a test starts a real worker (which then
# talks to the same Redis). Pin the broker here: Celery prefers an exported
# CELERY_BROKER_URL over settings, and a developer's shell must not leak in.
os.environ.pop("CELERY_BROKER_URL", None)
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = celery_redis_url(REDIS_URL)  # noqa: F405
CELERY_TASK_IGNORE_RESULT = False
