#!/usr/bin/env python
"""Django's command-line utility for the Kirklees Communities Partnership portal."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcpp.settings")
    # On a developer's checkout, commands read its .env (never committed). The WSGI server never does;
    # `make serve` sets DJANGO_ENV_FILE empty so that its commands run as production does too.
    if (Path(__file__).resolve().parent / ".env").is_file():
        os.environ.setdefault("DJANGO_ENV_FILE", ".env")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
