"""Settings for the test suite: the real settings, made fast and self-contained."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-a-secret")
# Tests run as production does, whatever a developer's .env says.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from kcpp.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run without collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SECURE_SSL_REDIRECT = False
# WhiteNoise serves from the finders in tests; there is no collected static directory.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
