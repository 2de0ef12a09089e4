"""Hardening (issue 11): security headers on every page, a clean `check --deploy`, a
production start that refuses to run without its services, secrets and service URLs from
files, the proxy's HTTPS header believed only behind a declared proxy, and a health check
that says "ok" and nothing else."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# What an operator sets in production, less the service URLs each test chooses.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-" + "k3Y" * 20,
    "CRYPTOGRAPHY_KEY": "prod-cryptography-key-for-this-test-only",
    "SUPPRESSION_KEY": "prod-suppression-key-for-this-test-only",
    "SITE_URL": "https://formation.example.org",
    "ALLOWED_HOSTS": "formation.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "ENV_FILE": "/nonexistent",
}
SERVICES = {
    "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://nobody@127.0.0.1:1/none",
    "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
}
UNSET = {
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXIES",
    # pytest sets it for Playwright; a production environment never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET and not k.endswith("_FILE")}
    return {**env, **PRODUCTION, **variables}


def run(command: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=ROOT,
        env=production_env(**variables),
        capture_output=True,
        text=True,
        timeout=90,
    )


def settings_of(*names: str, **variables: str) -> dict[str, str]:
    """The settings a process started with these variables would have (their repr)."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        f"print('\\n'.join(repr(eval('settings.' + name)) for name in {names!r}))"
    )
    result = run([sys.executable, "-c", probe], **variables)
    assert result.returncode == 0, result.stderr
    return dict(zip(names, result.stdout.splitlines(), strict=True))


# --- Headers ------------------------------------------------------------------------


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_public_page_carries_every_security_header(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_carries_every_security_header_too(client, db):
    assert_security_headers(client.get("/admin/login/"))
    client.force_login(User.objects.create_superuser("olivia", "olivia@example.org", "pw"))
    response = client.get("/admin/training/session/")

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_backoffice_carries_every_security_header(client, db):
    client.force_login(User.objects.create_superuser("olivia", "olivia@example.org", "pw"))
    response = client.get("/backoffice/")

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.policy("Y2")
@override_settings(SECURE_SSL_REDIRECT=True)
def test_https_responses_ask_browsers_to_keep_to_https_for_a_year(client, db):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.policy("Y2")
def test_production_redirects_to_https_and_keeps_cookies_to_it_unless_told_otherwise():
    names = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")

    assert settings_of(*names, **SERVICES) == dict.fromkeys(names, "True")


def test_hsts_is_a_year_with_subdomains_and_preload_only_by_choice():
    hsts = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")

    assert settings_of(*hsts, **SERVICES) == dict(
        zip(hsts, ["31536000", "True", "False"], strict=True)
    )
    assert settings_of(
        *hsts, SECURE_HSTS_SECONDS="600", SECURE_HSTS_PRELOAD="true", **SERVICES
    ) == dict(zip(hsts, ["600", "True", "True"], strict=True))


@pytest.mark.policy("Y2")
def test_the_language_cookie_is_https_only_and_not_sent_from_other_sites(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    cookie = response.cookies["django_language"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


# --- check --deploy ---------------------------------------------------------------------


def deploy_check(**variables: str) -> subprocess.CompletedProcess:
    return run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **SERVICES,
        **variables,
    )


@pytest.mark.policy("Y2")
def test_check_deploy_reports_no_warning_in_production():
    result = deploy_check()

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_check_deploy_stays_clean_when_the_organisation_opts_in_to_preload():
    assert deploy_check(SECURE_HSTS_PRELOAD="true").returncode == 0


def test_check_deploy_does_fail_on_a_weakened_setting():
    """The check above can fail: without HSTS, Django warns and the command exits 1."""
    result = deploy_check(SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stderr


# --- A production start needs its services ---------------------------------------------

MISSING = "refuses to start: {} must be set when DEBUG is off"


GUNICORN = [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", "127.0.0.1:0"]


@pytest.mark.parametrize(
    ("process", "command"),
    [
        ("gunicorn", GUNICORN),
        ("The Celery worker", [sys.executable, "-m", "celery", "-A", "config", "worker"]),
        (
            "Celery beat",
            # Beat's schedule file in the test's own folder: given /dev/null, beat (run as
            # root) would replace the device with a file of its own.
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-s", "{tmp}/schedule"],
        ),
    ],
)
def test_a_production_process_refuses_to_start_without_its_services(process, command, tmp_path):
    result = run([part.replace("{tmp}", str(tmp_path)) for part in command])

    assert result.returncode != 0
    assert f"{process} {MISSING.format('DATABASE_URL, REDIS_URL and EMAIL_URL')}" in (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "EMAIL_URL"])
def test_the_message_names_only_what_is_missing(missing):
    given = {name: url for name, url in SERVICES.items() if name != missing}
    result = run(GUNICORN, **given)

    assert result.returncode != 0
    assert f"gunicorn {MISSING.format(missing)}" in result.stderr


def test_a_web_server_started_another_way_refuses_too(tmp_path):
    """gunicorn from another folder, with no gunicorn.conf.py read: the app itself refuses."""
    given = {name: url for name, url in SERVICES.items() if name != "EMAIL_URL"}
    (tmp_path / "other.conf.py").write_text("workers = 1\n")
    command = [*GUNICORN, "--chdir", str(ROOT), "--config", str(tmp_path / "other.conf.py")]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=production_env(**given),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert f"The web server {MISSING.format('EMAIL_URL')}" in result.stderr


def test_manage_py_still_runs_without_services_for_the_image_build():
    """The Dockerfile runs collectstatic with DEBUG off and no database: it must not stop."""
    result = run(
        [sys.executable, "manage.py", "collectstatic", "--dry-run", "--noinput", "-v", "0"],
        SITE_URL="http://build",
    )

    assert result.returncode == 0, result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, host: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 (http only)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def gunicorn_in_production():
    """gunicorn as compose starts it: DEBUG off, services given, a real ALLOWED_HOSTS and
    the HTTPS redirect on."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=production_env(**SERVICES),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_gunicorn_starts_with_its_services_and_answers_the_health_check(gunicorn_in_production):
    # What compose's health check asks, from inside the container: not an allowed host,
    # plain HTTP. It is answered all the same, and says nothing else than "ok".
    assert get(f"{gunicorn_in_production}/healthz", host="127.0.0.1:8000") == (200, "ok")
    # Any other page keeps its protections.
    assert get(f"{gunicorn_in_production}/", host="127.0.0.1:8000")[0] == 400


# --- Service URLs from files; the proxy header ------------------------------------------


def test_service_urls_can_be_read_from_files(tmp_path):
    (tmp_path / "db").write_text("postgres://app:s3cret@db.internal:5432/formation\n")
    (tmp_path / "redis").write_text("redis://:s3cret@redis.internal:6379/0\n")
    (tmp_path / "email").write_text("smtp+tls://mailer:s3cret@smtp.example.org:587\n")
    files = {
        "DATABASE_URL_FILE": str(tmp_path / "db"),
        "REDIS_URL_FILE": str(tmp_path / "redis"),
        "EMAIL_URL_FILE": str(tmp_path / "email"),
    }

    found = settings_of(
        "DATABASES['default']['NAME']",
        "DATABASES['default']['HOST']",
        "DATABASES['default']['PASSWORD']",
        "CELERY_BROKER_URL",
        "EMAIL_HOST",
        "EMAIL_HOST_PASSWORD",
        **files,
    )

    assert list(found.values()) == [
        "'formation'",
        "'db.internal'",
        "'s3cret'",
        "'redis://:s3cret@redis.internal:6379/0'",
        "'smtp.example.org'",
        "'s3cret'",
    ]


def test_a_missing_secret_file_is_named_clearly(tmp_path):
    result = run(
        [sys.executable, "-c", "import django; django.setup()"],
        DATABASE_URL_FILE=str(tmp_path / "absent"),
    )

    assert result.returncode != 0
    assert re.search(r"DATABASE_URL_FILE=\S+absent cannot be read", result.stderr)


def test_the_proxy_https_header_is_believed_only_behind_a_declared_proxy():
    header = "SECURE_PROXY_SSL_HEADER"

    assert settings_of(header, **SERVICES)[header] == "None"
    assert settings_of(header, TRUSTED_PROXIES="1", **SERVICES)[header] == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


@pytest.mark.policy("Y2")
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_facing_visitors_directly_a_forged_https_header_still_gets_redirected(client, db):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301


# --- /healthz -------------------------------------------------------------------------


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["formation.example.org"])
def test_the_health_check_is_answered_before_host_validation_and_redirect(client, db):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    # Every other page is still refused for an unknown host.
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_the_health_check_answers_nothing_but_reading(client, db):
    assert client.post("/healthz").status_code != 200
