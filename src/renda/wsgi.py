import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
application = get_wsgi_application()

# Fail at start-up, not at the first request, when the production key is missing (settings.py leaves it empty so
# that management commands which sign nothing still run).
try:
    settings.SECRET_KEY  # noqa: B018  (Django refuses an empty key on access)
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured("RENDA_SECRET_KEY is not set (bin/demo writes one to data/renda.env)") from exc
