"""Two application servers behind nginx (deploy/two-servers.sh) behave as one: a session opened on one continues on
the other, either answers through the proxy, and a scheduled command started on both does its work once."""

import http.client
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.accounts.factories import PASSWORD, make_coordinator
from tests.server_process import database_url, free_port

pytestmark = [
    pytest.mark.server_process,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two servers share a PostgreSQL database"),
]
SCRIPT = Path(settings.BASE_DIR) / "deploy" / "two-servers.sh"


def _nginx() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


class Browser:
    """Cookies kept by hand: the same cookie jar sent to whichever server is asked."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=data, headers=headers)
        response = client.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        answer = (response.status, {name.lower(): value for name, value in response.getheaders()}, text)
        client.close()
        return answer


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if _nginx() is None:
        pytest.skip("nginx n'est pas installé (apt-get install nginx-light) : le test des deux serveurs est sauté")
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("gunicorn n'est pas installé dans l'environnement (requirements.txt)")
    ports = {"PROXY_PORT": free_port(), "APP1_PORT": free_port(), "APP2_PORT": free_port()}
    connection.close()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(tmp_path),
        "RUN_DIR": str(tmp_path / "run"),
        "PYTHON": sys.executable,
        "GUNICORN_WORKERS": "1",
        **{name: str(port) for name, port in ports.items()},
    }
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=environment, capture_output=True, text=True, timeout=180, check=False
    )
    try:
        assert started.returncode == 0, started.stderr + _logs(tmp_path / "run")
        yield ports, environment
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=environment, capture_output=True, timeout=60, check=False)


def _logs(run: Path) -> str:
    return "".join(path.read_text()[-2000:] for path in sorted(run.glob("*.log")) if path.exists())


def _login(browser: Browser, port: int) -> None:
    status, _, page = browser.request(port, "GET", "/connexion/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = browser.request(
        port,
        "POST",
        "/connexion/",
        {"csrfmiddlewaretoken": token, "username": "coordination@example.org", "password": PASSWORD},
    )
    assert status == 302, headers


def test_a_session_opened_on_one_server_continues_on_the_other_and_through_the_proxy(two_servers):
    ports, _ = two_servers
    make_coordinator()
    browser = Browser()
    _login(browser, ports["APP1_PORT"])

    status, _, page = browser.request(ports["APP2_PORT"], "GET", "/espace/")
    assert status == 200 and "Se déconnecter" in page

    upstreams = set()
    for _ in range(6):
        status, headers, page = browser.request(ports["PROXY_PORT"], "GET", "/espace/")
        assert status == 200 and "Se déconnecter" in page
        upstreams.add(headers["x-upstream"])
    assert upstreams == {f"127.0.0.1:{ports['APP1_PORT']}", f"127.0.0.1:{ports['APP2_PORT']}"}

    # Signed out through the proxy: signed out on both servers.
    status, _, page = browser.request(ports["PROXY_PORT"], "GET", "/espace/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.request(ports["PROXY_PORT"], "POST", "/deconnexion/", {"csrfmiddlewaretoken": token})[0] == 302
    for port in (ports["APP1_PORT"], ports["APP2_PORT"]):
        status, headers, _ = browser.request(port, "GET", "/espace/")
        assert status == 302 and "/connexion/" in headers["location"]


def test_a_scheduled_command_started_on_both_servers_does_its_work_once(two_servers):
    from django.core.mail import EmailMessage
    from mailer.models import Message, MessageLog

    _, environment = two_servers
    email = EmailMessage("Une", "Un seul envoi", "ne-pas-repondre@example.org", ["lieu@example.org"])
    email.extra_headers["Message-ID"] = "<une-seule@example.org>"
    Message.objects.create(email=email)
    command = [sys.executable, "manage.py", "send_outbox"]
    runs = [
        subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert Message.objects.count() == 0
    assert MessageLog.objects.filter(result="1").count() == 1, outputs


def test_a_page_kept_for_visitors_on_both_servers_shows_a_change_made_elsewhere(two_servers):
    from django.conf import settings as live

    if not live.REDIS_URL:
        pytest.skip("les deux serveurs partagent leurs pages gardées par le cache partagé : REDIS_URL est nécessaire")
    from django.core.management import call_command

    from territory.models import Commune
    from tests.factories import make_place

    ports, _ = two_servers
    if not Commune.objects.filter(code="58194").exists():  # an earlier test against the servers flushed the base
        call_command("load_territory", verbosity=0)
    place = make_place(name="Fablab du Pont", phone="03 86 00 00 01")
    visitor = Browser()
    for port in (ports["APP1_PORT"], ports["APP2_PORT"], ports["APP1_PORT"], ports["APP2_PORT"]):
        status, _, page = visitor.request(port, "GET", place.get_absolute_url())
        assert status == 200 and "03 86 00 00 01" in page
    # Written by another process (an import, a third server): both servers' kept copies are out of date at once.
    place.phone = "03 86 99 99 99"
    place.save()
    for port in (ports["APP1_PORT"], ports["APP2_PORT"]):
        status, _, page = visitor.request(port, "GET", place.get_absolute_url())
        assert status == 200 and "03 86 99 99 99" in page and "03 86 00 00 01" not in page
