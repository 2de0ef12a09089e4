# Debian 13: its postgresql-client (17) can dump and restore the compose file's PostgreSQL 16
# for `manage.py backup` (pg_dump must be at least the server's version).
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install .
COPY . .
# Translations and static files are built into the image; the keys here only let
# manage.py load its settings and are never used at run time.
RUN django-admin compilemessages --ignore=.venv \
    && SECRET_KEY=build-only CRYPTOGRAPHY_KEY=build-only SUPPRESSION_KEY=build-only SITE_URL=http://build python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /app/private /app/backup-files && chown app /app/private /app/backup-files
USER app

EXPOSE 8000
# gunicorn reads ./gunicorn.conf.py (/app) by default: with DEBUG off it refuses to start
# without DATABASE_URL and REDIS_URL, as do the Celery worker and beat (config/celery.py).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
