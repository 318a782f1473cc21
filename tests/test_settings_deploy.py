"""Production settings are safe by default. Settings are read at start-up, so each case runs manage.py."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "aiguillage.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="lieux.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_and_needs_a_secret():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_nonsense_in_a_boolean_setting_is_refused():
    result = _manage("check", DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG must be 'true' or 'false'" in result.stderr


def test_admins_are_read_from_the_environment_and_nonsense_is_refused():
    show = ("shell", "-c", "from django.conf import settings; print(settings.ADMINS)")
    result = _manage(*show, DEBUG="true", ADMINS="Équipe SAN <san@nievre.example>, Autre <autre@example.org>")
    assert (
        result.stdout.strip().splitlines()[-1]
        == "[('Équipe SAN', 'san@nievre.example'), ('Autre', 'autre@example.org')]"
    )
    assert _manage(*show, DEBUG="true", ADMINS="pas une adresse <>").returncode != 0


SHOW = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY, settings.SITE_URL)"


def test_the_local_env_file_of_make_setup_is_read_and_the_environment_wins(tmp_path):
    local = tmp_path / ".env"
    local.write_text("# written by make setup\nDEBUG=true\nSECRET_KEY='generated-key-0123456789'\n", encoding="utf-8")
    result = _manage("shell", "-c", SHOW, ENV_FILE=str(local))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["True", "generated-key-0123456789", "http://127.0.0.1:8000"]
    result = _manage("shell", "-c", SHOW, ENV_FILE=str(local), DEBUG="false", SECRET_KEY="from-the-environment")
    assert result.stdout.split()[-3:-1] == ["False", "from-the-environment"]
    local.write_text("DEBUG\n", encoding="utf-8")
    result = _manage("check", ENV_FILE=str(local))
    assert result.returncode != 0 and "expected NAME=value" in result.stderr


def test_site_url_follows_the_development_port_unless_set():
    assert _manage("shell", "-c", SHOW, DEBUG="true", PORT="8123").stdout.split()[-1] == "http://127.0.0.1:8123"
    given = _manage("shell", "-c", SHOW, DEBUG="true", PORT="8123", SITE_URL="https://lieux.example.org/")
    assert given.stdout.split()[-1] == "https://lieux.example.org"
    from aiguillage.settings import development_port

    assert development_port(["manage.py", "runserver", "127.0.0.1:8456"]) in ("8456", os.environ.get("PORT"))
    assert development_port(["manage.py", "runserver", "--noreload", "8457"]) in ("8457", os.environ.get("PORT"))
