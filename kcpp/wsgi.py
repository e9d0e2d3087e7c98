"""WSGI entry point, for gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcpp.settings")
application = get_wsgi_application()
