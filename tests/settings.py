"""Test settings: the real settings, with a few things made strict or fast."""

import os

# A developer's local .env (make setup) is not read: the tests run with the same settings everywhere.
os.environ["ENV_FILE"] = ""
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from aiguillage.settings import *  # noqa: E402,F403
from aiguillage.settings import TEMPLATES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Emails go through the real outbox, and are delivered to Django's test outbox as soon as the
# queuing transaction commits, so that tests read `mail.outbox` as users would read their mail.
MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OUTBOX_SEND_ON_COMMIT = True
MAILER_USE_FILE_LOCK = False


class InvalidTemplateVariable(str):
    """Make an undefined template variable fail the test that renders it."""

    def __mod__(self, other: object) -> str:
        raise AssertionError(f"Undefined template variable: {other!r}")

    def __bool__(self) -> bool:
        return False


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")

# Static files come straight from the app directories: no collectstatic in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
