"""NetBox instances configured with a deployment recipe, served as production serves them (gunicorn, netbox
rqworker; tests/servers.py) against the test database and the test Redis DBs. Only committed data is visible to
them, so tests that use them are transactional."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests


def recipe_instance(root: Path, configuration: str = "", **conf_files: str) -> Path:
    """A NETBOX_ROOT at ``root``: its ``conf/configuration.py`` is the test instance's followed by ``configuration``
    (the recipe's settings); ``conf_files`` are further files of ``conf/`` (``ldap_config.py``...)."""
    base = Path(os.environ["NETBOX_ROOT"]) / "conf" / "configuration.py"
    conf = root / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "configuration.py").write_text(f"{base.read_text()}\n# The deployment recipe under test\n{configuration}")
    for name, text in conf_files.items():
        (conf / name).write_text(text)
    return root


def login(url: str, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Log in through NetBox's login form as a browser does (CSRF cookie and token); returns the session and the
    answer to the form's POST (a redirect when it worked, the form again when not)."""
    session = requests.Session()
    form = session.get(f"{url}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        f"{url}/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"},
        headers={"Referer": f"{url}/login/"},
        allow_redirects=False,
        timeout=60,
    )
    return session, answer


LOGIN_REFUSED = "Please enter a correct username and password"


@pytest.fixture(scope="module")
def test_database_name(django_db_setup) -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]
