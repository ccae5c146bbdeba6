"""Recipe 1 of docs/deployment.md: LDAP login limited to the ops and wmf groups, with docs/recipes/ldap_config.py
unchanged, against Debian's slapd over ldaps:// (dev/ldap_harness.py), through NetBox's login form and the REST API
token flow of a gunicorn-served instance."""

from pathlib import Path

import pytest
import requests

from dev.ldap_harness import BASE, BIND_PASSWORD, PASSWORDS, LdapServer
from tests.integration.deploy.conftest import LOGIN_REFUSED, login, recipe_instance
from tests.servers import NetBoxWeb, instance_env

RECIPES = Path(__file__).resolve().parents[3] / "docs" / "recipes"
LOCAL_ADMIN, LOCAL_PASSWORD = "local-admin", "Local-Admin-Pass-123"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def ldap_server():
    with LdapServer(name="test") as server:
        yield server


@pytest.fixture(scope="module")
def netbox_ldap(ldap_server, test_database_name, tmp_path_factory):
    root = recipe_instance(
        tmp_path_factory.mktemp("ldap-instance"),
        (RECIPES / "ldap_configuration.py").read_text(),
        **{"ldap_config.py": (RECIPES / "ldap_config.py").read_text()},
    )
    env = instance_env(
        root,
        test_database_name,
        NETBOX_LDAP_URI=ldap_server.uri,  # ldaps://, verified against the harness's own CA
        NETBOX_LDAP_CA_CERT_FILE=str(ldap_server.ca_file),
        NETBOX_LDAP_BASE_DN=BASE,
        NETBOX_LDAP_BIND_PASSWORD=BIND_PASSWORD,
    )
    web = NetBoxWeb(root, env, root / "gunicorn.log")
    yield web
    web.stop()
    assert BIND_PASSWORD not in web.output()  # no secret in a log line


@pytest.fixture(autouse=True)
def clear_ldap_cache():
    from django.core.cache import cache

    cache.clear()  # AUTH_LDAP_CACHE_TIMEOUT keeps group memberships in the (shared) Redis cache between tests


def user_of(username: str):
    from users.models import User

    return User.objects.get(username=username)


def test_an_ops_member_logs_in_as_superuser_with_the_ops_group(netbox_ldap):
    session, answer = login(netbox_ldap.url, "alice", PASSWORDS["alice"])
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert "alice" in session.get(f"{netbox_ldap.url}/", timeout=30).text
    alice = user_of("alice")
    assert (alice.is_active, alice.is_superuser) == (True, True)
    assert set(alice.groups.values_list("name", flat=True)) == {"ops"}
    assert (alice.first_name, alice.last_name, alice.email) == ("Alice", "Aliceson", "alice@example.org")


def test_a_wmf_member_logs_in_with_the_wmf_group_and_is_no_superuser(netbox_ldap):
    _, answer = login(netbox_ldap.url, "bob", PASSWORDS["bob"])
    assert answer.status_code == 302
    bob = user_of("bob")
    assert (bob.is_active, bob.is_superuser) == (True, False)
    assert set(bob.groups.values_list("name", flat=True)) == {"wmf"}


@pytest.mark.parametrize(
    "username,password",
    [("carol", PASSWORDS["carol"]), ("dave", PASSWORDS["dave"]), ("alice", "wrong-password"), ("nobody", "x")],
    ids=["in-neither-group", "disabled", "wrong-password", "unknown"],
)
def test_everyone_else_is_refused_with_the_normal_message(netbox_ldap, username, password):
    from users.models import User

    _, answer = login(netbox_ldap.url, username, password)
    assert answer.status_code == 200 and LOGIN_REFUSED in answer.text
    if username in ("carol", "dave"):
        assert not User.objects.filter(username=username, is_active=True).exists()


def provision_token(url: str, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{url}/api/users/tokens/provision/",
        json={"username": username, "password": password},
        headers={"Accept": "application/json"},
        timeout=60,
    )


def test_the_token_flow_gives_members_a_working_token_and_refuses_the_others(netbox_ldap):
    answer = provision_token(netbox_ldap.url, "bob", PASSWORDS["bob"])
    assert answer.status_code == 201, answer.text
    token = answer.json()
    header = f"Bearer nbt_{token['key']}.{token['token']}" if token["version"] == 2 else f"Token {token['token']}"
    status = requests.get(f"{netbox_ldap.url}/api/status/", headers={"Authorization": header}, timeout=30)
    assert status.status_code == 200 and "netbox_wmf_ops" in status.json()["plugins"]
    assert user_of("bob").groups.filter(name="wmf").exists()

    for username in ("carol", "dave"):
        refused = provision_token(netbox_ldap.url, username, PASSWORDS[username])
        assert refused.status_code == 403, refused.text
        assert "Invalid username/password" in refused.text


def test_with_ldap_down_ldap_users_are_refused_cleanly_and_local_superusers_still_log_in(netbox_ldap, ldap_server):
    from users.models import User

    User.objects.create_user(username=LOCAL_ADMIN, password=LOCAL_PASSWORD, is_superuser=True)
    ldap_server.stop()
    try:
        _, answer = login(netbox_ldap.url, "alice", PASSWORDS["alice"])
        assert answer.status_code == 200 and LOGIN_REFUSED in answer.text
        assert "Caught LDAPError looking up user: SERVER_DOWN" in netbox_ldap.output()  # the operator's clue
        _, answer = login(netbox_ldap.url, LOCAL_ADMIN, LOCAL_PASSWORD)
        assert answer.status_code == 302 and answer.headers["Location"] == "/"
    finally:
        ldap_server.start()
