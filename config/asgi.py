import os

from django.core.asgi import get_asgi_application

from config.production import require_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As config/wsgi.py: a production start needs its services.
require_services("The web server", status=3)
application = get_asgi_application()
