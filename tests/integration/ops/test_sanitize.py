"""Sanitised copies: seeded secrets are gone from the copy, the source is untouched, the source is never a target."""

import os
import subprocess
import uuid

import pytest
from circuits.models import Circuit, CircuitType, Provider
from dcim.models import MACAddress
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from extras.models import Webhook
from ipam.models import FHRPGroup
from users.models import Token

from netbox_wmf_ops.ops import sanitize
from netbox_wmf_ops.ops.sanitize import (
    MARK,
    SanitizeError,
    Server,
    database_comment,
    drop_database,
    find_leaks,
    sanitize_database,
)
from tests import factories
from tests.factories import users

# Named after this run's test database: test runs of parallel checkouts share the PostgreSQL server.
TARGET = os.environ.get("WMF_OPS_TEST_DB_NAME", "wmf_ops_test") + "_sanitized"
SECOND = TARGET + "2"


def server() -> Server:
    return Server.from_django(settings.DATABASES["default"])


def source_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def query(database: str, statement: str, params=()):
    with server().connect(database) as conn:
        return conn.execute(statement, params).fetchall()


def seed_copies_of_the_secrets(dev, circuit, account) -> dict[str, int]:
    """The real values where NetBox copies them: a report's job data and log, a change-log record, a journal entry,
    a notification and free text (the search cache gets them by itself)."""
    from core.models import Job, ObjectChange, ObjectType
    from extras.models import JournalEntry, Notification

    dev.comments = "ex REAL-SERIAL-1"
    dev.save()
    job = Job.objects.create(
        name="Accounting",
        object_type=ObjectType.objects.get_for_model(dev),
        object_id=dev.pk,
        job_id=uuid.uuid4(),
        status="completed",
        data={"log": [{"status": "failure", "message": "Device with s/n REAL-SERIAL-1 not present in Netbox"}]},
        error="circuit REAL-CID-77 is down",
        log_entries=[{"level": "info", "message": "MAC aa:bb:cc:dd:ee:ff moved"}],
    )
    change = ObjectChange.objects.create(
        changed_object=circuit,
        action="create",
        object_repr="REAL-CID-77",
        postchange_data={"cid": "REAL-CID-77", "description": "for REAL-SERIAL-1"},
        request_id=uuid.uuid4(),
        user_name="x",
    )
    journal = JournalEntry.objects.create(
        assigned_object=dev, kind="info", comments="PSU of REAL-SERIAL-1 replaced; MAC AA:BB:CC:DD:EE:FF."
    )
    notification = Notification.objects.create(
        user=account, object=circuit, object_repr="REAL-CID-77", event_type="object_created"
    )
    return {"job": job.pk, "change": change.pk, "journal": journal.pk, "notification": notification.pk}


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
    copies = seed_copies_of_the_secrets(dev, circuit, account)

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

    # Every other place NetBox keeps a copy: rewritten with the new values, the search cache cleared (issue #11).
    assert query(source_name(), "SELECT count(*) FROM extras_cachedvalue WHERE value = 'REAL-SERIAL-1'") != [(0,)]
    assert query(TARGET, "SELECT count(*) FROM extras_cachedvalue") == [(0,)]
    real = ["REAL-SERIAL-1", "REAL-CID-77", "aa:bb:cc:dd:ee:ff", "AA:BB:CC:DD:EE:FF"]
    assert find_leaks(server(), TARGET, {"seeded": real}) == []
    assert find_leaks(server(), source_name(), {"seeded": real}) != []  # the search does find them in the source
    (comments,) = query(TARGET, "SELECT comments FROM extras_journalentry WHERE id = %s", [copies["journal"]])[0]
    assert comments == f"PSU of SERIAL{dev.pk} replaced; MAC {new_mac.upper()}."
    (job_data, job_error, job_log) = query(
        TARGET, "SELECT data::text, error, log_entries::text FROM core_job WHERE id = %s", [copies["job"]]
    )[0]
    assert f"s/n SERIAL{dev.pk} not present" in job_data and job_error == f"circuit CIRCUIT{circuit.pk} is down"
    assert new_mac in job_log
    assert query(TARGET, "SELECT object_repr FROM core_objectchange WHERE id = %s", [copies["change"]]) == [
        (f"CIRCUIT{circuit.pk}",)
    ]
    assert query(TARGET, "SELECT object_repr FROM extras_notification WHERE id = %s", [copies["notification"]]) == [
        (f"CIRCUIT{circuit.pk}",)
    ]
    assert query(TARGET, "SELECT comments FROM dcim_device WHERE id = %s", [dev.pk]) == [(f"ex SERIAL{dev.pk}",)]

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


@pytest.mark.django_db(transaction=True)
def test_a_copy_that_still_holds_a_real_value_is_dropped_with_the_place_named(cleanup, monkeypatch):
    dev = factories.device(serial="REAL-SERIAL-2")
    from extras.models import JournalEntry

    JournalEntry.objects.create(assigned_object=dev, kind="info", comments="PSU of REAL-SERIAL-2 replaced")
    # A place the scrub would miss (simulated by skipping journal entries), and a sample that holds our value.
    monkeypatch.setattr(sanitize, "SCRUB_SKIP", {*sanitize.SCRUB_SKIP, "extras_journalentry"})
    real_sample = sanitize.sample_secrets
    monkeypatch.setattr(
        sanitize, "sample_secrets", lambda srv, src: {**real_sample(srv, src), "serial": ["REAL-SERIAL-2"]}
    )

    with pytest.raises(
        CommandError, match=r"real serial values in extras_journalentry\.comments; the copy was dropped"
    ):
        call_command("wmf_ops_sanitize", database=TARGET)
    assert database_comment(server(), TARGET) is None
