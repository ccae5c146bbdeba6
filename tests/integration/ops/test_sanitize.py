"""Sanitised copies: seeded secrets are gone from the copy, the source is untouched, the source is never a target."""

import subprocess

import pytest
from circuits.models import Circuit, CircuitType, Provider
from dcim.models import MACAddress
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from extras.models import Webhook
from ipam.models import FHRPGroup
from users.models import Token

from netbox_wmf_ops.ops.sanitize import MARK, SanitizeError, Server, database_comment, drop_database, sanitize_database
from tests import factories
from tests.factories import users

TARGET = "wmf_ops_test_ops_sanitized"
SECOND = "wmf_ops_test_ops_sanitized2"


def server() -> Server:
    return Server.from_django(settings.DATABASES["default"])


def source_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def query(database: str, statement: str, params=()):
    with server().connect(database) as conn:
        return conn.execute(statement, params).fetchall()


@pytest.fixture
def cleanup():
    yield
    for name in (TARGET, SECOND):
        drop_database(server(), name)


@pytest.mark.django_db(transaction=True)  # pg_dump sees committed data only
def test_sanitised_copy_of_seeded_secrets(cleanup, tmp_path):
    dev = factories.device(serial="REAL-SERIAL-1")
    iface = dev.interfaces.create(name="eno1", type="1000base-t")
    mac = MACAddress.objects.create(mac_address="aa:bb:cc:dd:ee:ff", assigned_object=iface)
    provider = Provider.objects.create(name=factories.unique("prov"), slug=factories.unique("prov"))
    ctype = CircuitType.objects.create(name=factories.unique("ct"), slug=factories.unique("ct"))
    circuit = Circuit.objects.create(cid="REAL-CID-77", provider=provider, type=ctype)
    account = users.user(superuser=True)
    users.token(account)
    session = SessionStore()
    session["secret"] = "x"
    session.create()
    Webhook.objects.create(name="hook", payload_url="https://x", secret="hunter2", additional_headers="X-Auth: k")
    FHRPGroup.objects.create(protocol="vrrp2", group_id=1, auth_type="plaintext", auth_key="vrrp-key")

    result = sanitize_database(source_name(), TARGET, server())
    assert result.method == "pg_dump"  # the test session is connected to the source
    assert database_comment(server(), TARGET).startswith(f"{MARK} from {source_name()}")

    assert query(TARGET, "SELECT serial FROM dcim_device WHERE id = %s", [dev.pk]) == [(f"SERIAL{dev.pk}",)]
    assert query(TARGET, "SELECT count(*) FROM dcim_device WHERE serial <> '' AND serial !~ '^SERIAL[0-9]+$'") == [(0,)]
    (new_mac,) = query(TARGET, "SELECT mac_address::text FROM dcim_macaddress WHERE id = %s", [mac.pk])[0]
    assert new_mac != "aa:bb:cc:dd:ee:ff" and new_mac.startswith("02:")
    assert query(TARGET, "SELECT cid FROM circuits_circuit WHERE id = %s", [circuit.pk]) == [(f"CIRCUIT{circuit.pk}",)]
    assert query(TARGET, "SELECT count(*) FROM users_user WHERE password NOT LIKE '!%%'") == [(0,)]
    for table in ("users_token", "django_session", "social_auth_usersocialauth"):
        assert query(TARGET, f"SELECT count(*) FROM {table}") == [(0,)]
    assert query(TARGET, "SELECT count(*) FROM extras_webhook WHERE secret <> '' OR additional_headers <> ''") == [(0,)]
    assert query(TARGET, "SELECT count(*) FROM ipam_fhrpgroup WHERE auth_key <> ''") == [(0,)]
    assert not query(TARGET, "SELECT 1 FROM core_objectchange WHERE postchange_data::text LIKE '%%REAL-SERIAL-1%%'")

    # The source is untouched.
    dev.refresh_from_db()
    assert dev.serial == "REAL-SERIAL-1"
    assert str(MACAddress.objects.get(pk=mac.pk).mac_address).lower() == "aa:bb:cc:dd:ee:ff"
    assert Circuit.objects.get(pk=circuit.pk).cid == "REAL-CID-77"
    assert Token.objects.filter(user=account).exists()
    assert Webhook.objects.get(name="hook").secret == "hunter2"

    # Nobody is connected to the copy: a copy of it is made with CREATE DATABASE ... TEMPLATE; a dump file too.
    assert sanitize_database(TARGET, SECOND, server()).method == "template"
    dump = tmp_path / "netbox-sanitised.dump"
    call_command("wmf_ops_sanitize", source=SECOND, output=str(dump))
    listing = subprocess.run(["pg_restore", "-l", str(dump)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public dcim_device" in listing
    assert not [
        n for (n,) in query("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'wmf_ops_sanitize_%%'")
    ]


@pytest.mark.django_db
def test_refuses_to_write_into_the_source_or_a_foreign_database():
    with pytest.raises(SanitizeError, match="refusing to write into the source"):
        sanitize_database(source_name(), source_name(), server())
    with pytest.raises(SanitizeError, match="exists"):
        sanitize_database(source_name(), "postgres", server())
    with pytest.raises(SanitizeError, match="not a sanitised copy"):
        sanitize_database(source_name(), "postgres", server(), replace=True)
    with pytest.raises(CommandError, match="refusing to write into the source"):
        call_command("wmf_ops_sanitize", database=source_name())
