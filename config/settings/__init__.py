"""Settings, read from the environment (django-environ), in four parts: ``base``
(Django, the database, languages, email), ``privacy`` (periods and limits the privacy
promises rest on), ``security`` (staff sign-in, hardening) and ``services`` (cache,
Celery, logging). Production differs from a first run only by environment variables
(see ``base``)."""

from config.settings.base import *  # noqa: F403
from config.settings.privacy import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.services import *  # noqa: F403
