"""Settings come from the environment and fail loudly when production secrets are missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE)"


def _start(**variables: str) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CRYPTOGRAPHY_KEY", "DEBUG"}
    }
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "ENV_FILE": "/nonexistent", **variables}
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_without_debug_it_refuses_to_start_without_secret_key():
    result = _start(DEBUG="false", CRYPTOGRAPHY_KEY="k")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.policy("S3")
def test_without_debug_it_refuses_to_start_without_cryptography_key():
    result = _start(DEBUG="false", SECRET_KEY="s")

    assert result.returncode != 0
    assert "CRYPTOGRAPHY_KEY must be set when DEBUG is off" in result.stderr
    assert "SECRET_KEY and" not in result.stderr


def test_it_names_both_when_both_are_missing():
    result = _start(DEBUG="false")

    assert "SECRET_KEY and CRYPTOGRAPHY_KEY must be set" in result.stderr


@pytest.mark.policy("P5")
def test_without_debug_it_needs_a_key_of_its_own_for_the_suppression_list():
    result = _start(DEBUG="false", SECRET_KEY="s", CRYPTOGRAPHY_KEY="k", SUPPRESSION_KEY="")

    assert result.returncode != 0
    assert "SUPPRESSION_KEY must be set when DEBUG is off" in result.stderr


def test_without_debug_it_needs_the_public_address_for_email_links():
    result = _start(DEBUG="false", SECRET_KEY="s", CRYPTOGRAPHY_KEY="k", SITE_URL="")

    assert result.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_the_placeholders_of_env_example_are_refused():
    result = _start(
        DEBUG="false", SECRET_KEY="change-me-to-50-random-characters", CRYPTOGRAPHY_KEY="k"
    )

    assert result.returncode != 0
    assert "SECRET_KEY still hold the placeholder" in result.stderr


def test_a_bad_boolean_is_an_error_not_a_silent_false():
    result = _start(DEBUG="maybe", SECRET_KEY="s", CRYPTOGRAPHY_KEY="k")

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_secrets_can_be_read_from_files(tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    (tmp_path / "crypto").write_text("crypto-from-a-file\n")

    result = _start(
        DEBUG="false",
        SECRET_KEY_FILE=str(tmp_path / "secret"),
        CRYPTOGRAPHY_KEY_FILE=str(tmp_path / "crypto"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Europe/Paris"


def test_the_first_run_needs_no_configuration():
    assert _start(DEBUG="true").returncode == 0


def test_the_reference_language_is_french_with_english_available():
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _ in settings.LANGUAGES] == ["fr", "en"]
    assert settings.USE_TZ and settings.TIME_ZONE == "Europe/Paris"


@pytest.mark.policy("Y2")
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client, db):
    response = client.get("/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.policy("K6")
def test_celery_beat_runs_the_retention_schedule_and_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert schedule == settings.CELERY_BEAT_SCHEDULE
    assert schedule["retention"]["task"] == "retention.tasks.run_retention"
    assert (schedule["retention"]["schedule"].hour, schedule["retention"]["schedule"].minute) == (
        {2},
        {30},
    )
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_a_malformed_retention_time_stops_the_app():
    result = _start(DEBUG="true", RETENTION_RUN_AT="25:99")

    assert result.returncode != 0
    assert "RETENTION_RUN_AT='25:99': use HH:MM" in result.stderr


@pytest.mark.policy("S5")
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RETENTION_SENSITIVE_NEEDS_DAYS", "30", "must be 0"),
        ("RETENTION_TRAINING_ARCHIVE_DAYS", "-10", "cannot be negative"),
        ("RETENTION_PROSPECTING_YEARS", "4", "at most 3 years"),
    ],
)
def test_retention_periods_outside_the_policy_stop_the_app(variable, value, message):
    result = _start(DEBUG="true", **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.policy("K5")
def test_consented_cookies_cannot_be_set_to_outlive_thirteen_months():
    # 394 days outlive 13 months from 1 February 2026 (1 March 2027 is 393 days later).
    result = _start(DEBUG="true", CONSENTED_COOKIE_MAX_AGE_DAYS="394")

    assert result.returncode != 0
    assert "13 months for consented cookies" in result.stderr
    assert settings.CONSENTED_COOKIE_MAX_AGE_DAYS <= 393


def test_data_to_return_to_a_client_cannot_wait_less_than_the_grace_period():
    result = _start(
        DEBUG="true",
        RETENTION_PROCESSOR_END_GRACE_DAYS="30",
        RETENTION_PROCESSOR_RETURN_MAX_DAYS="10",
    )

    assert result.returncode != 0
    assert "RETENTION_PROCESSOR_RETURN_MAX_DAYS must be at least" in result.stderr


DATABASE_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
)


def _database_settings(**variables: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DB_CONN_MAX_AGE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ENV_FILE": "/nonexistent"})
    env.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


POSTGRES_URL = "postgres://nobody@127.0.0.1:5432/none"


def test_production_keeps_database_connections_a_minute_and_checks_them_first():
    assert _database_settings(DEBUG="false", DATABASE_URL=POSTGRES_URL) == "60 True"
    assert (
        _database_settings(DEBUG="false", DATABASE_URL=POSTGRES_URL, DB_CONN_MAX_AGE="0")
        == "0 True"
    )


def test_debug_and_sqlite_open_a_connection_per_request():
    assert _database_settings(DEBUG="true", DATABASE_URL=POSTGRES_URL) == "0 True"
    assert _database_settings(DEBUG="false", DATABASE_URL="sqlite:////tmp/x.sqlite3") == "0 True"


def test_the_visibility_timeout_outlasts_every_task():
    """Production: a task still running is never given to a second worker beside it."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = [task.time_limit or settings.CELERY_TASK_TIME_LIMIT for task in app.tasks.values()]
    assert timeout > max(limits)
    assert timeout > 3 * 3600  # the retention lease
