"""WSGI entry point (``gunicorn sozialplan.config.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sozialplan.config.settings")
application = get_wsgi_application()
