import os

from django.core.wsgi import get_wsgi_application

from config.production import require_services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Whatever server loads the app (gunicorn from another folder or with another config
# file, uWSGI...): a production start needs its services (runserver has DEBUG on).
require_services("The web server", status=3)
application = get_wsgi_application()
