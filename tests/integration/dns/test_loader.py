"""The ORM loader on hand-built NetBox objects (NetBox 4.7: prefix scope, FHRP groups, VM clusters), whole zone
files byte for byte, a bounded number of queries, and the advisory lock across database sessions."""

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from netbox_wmf_ops.dns import service
from netbox_wmf_ops.dns.loader import load_dns_inputs
from netbox_wmf_ops.dns.lock import LOCK_NAME, dns_lock, lock_key
from netbox_wmf_ops.dns.publish import PublishError
from tests.integration.dns.fleet import build_fleet, ip, server

MISSING_PTR = " ; wmf-zone-validator-ignore=MISSING_PTR_FOR_NAME_AND_IP"


def row(hostname: str, rtype: str, address: str, comment: str = "") -> str:
    return f"{hostname.ljust(40)} 1H IN {rtype} {address}{comment}\n"


@pytest.mark.django_db
def test_generated_zone_files_for_a_hand_built_fleet():
    f = build_fleet()
    s, db, tag, spare_tag = f.site.slug, f.server.name, f.tag.lower(), f.spare_tag.lower()
    snippets = service.generate_snippets(service.load_settings())
    files = snippets.files

    assert files[f"{s}.wmnet"] == "".join(
        sorted(
            [
                row(db, "A", "100.127.0.5"),
                row(db, "AAAA", "fd00:127::5"),
                row(f.vm.name, "A", "100.127.0.9"),
                row(f.gw, "A", "100.127.0.1"),
            ],
            key=lambda line: line.split()[0],
        )
    )
    assert files[f"mgmt.{s}.wmnet"] == row(db, "A", "100.126.0.5") + row(tag, "A", "100.126.0.5") + row(
        spare_tag, "A", "100.126.0.6"
    )
    assert files[f"wikimedia.org-{s}"] == row(f.lb, "A", "100.127.1.70")
    assert files["0.127.100.in-addr.arpa"] == (
        f"1   1H IN PTR {f.gw}.{s}.wmnet.\n5   1H IN PTR {db}.{s}.wmnet.\n9   1H IN PTR {f.vm.name}.{s}.wmnet.\n"
    )
    assert files["0.126.100.in-addr.arpa"] == (
        f"5   1H IN PTR {db}.mgmt.{s}.wmnet.\n"
        f"5   1H IN PTR {tag}.mgmt.{s}.wmnet.\n"
        f"6   1H IN PTR {spare_tag}.mgmt.{s}.wmnet.\n"
    )
    assert files["64-27.1.127.100.in-addr.arpa"] == f"70  1H IN PTR {f.lb}.wikimedia.org.\n"
    assert files["0.0.0.0.0.0.0.0.7.2.1.0.0.0.d.f.ip6.arpa"] == (
        f"5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 1H IN PTR {db}.{s}.wmnet.\n"
    )
    assert row(f.ns, "A", "100.125.0.9") in files["wikimedia.org-global"]
    assert "0.125.100.in-addr.arpa" in files

    warnings = [m.text for m in snippets.generation.messages if m.level == "warning"]
    assert (
        f"Device {f.offline.name} of IP 100.127.0.7/24 with DNS name {f.offline.name}.{s}.wmnet not in devices, "
        "skipping." in warnings
    )
    assert (
        "Failed to find DC for address 100.125.0.9/24 from prefix (no matching prefix has a site), using global"
        in warnings
    )


@pytest.mark.django_db
def test_vm_and_device_without_prefix_use_their_site():
    f = build_fleet()
    ip("198.18.250.9/24", f"{f.vm.name}.wikimedia.org", f.vm.interfaces.first())  # HEAD crashed on this one
    ip("198.18.250.5/24", f"{f.server.name}.wikimedia.org", f.server.interfaces.get(name="eno1"))
    files = service.generate_snippets(service.load_settings()).files
    assert files[f"wikimedia.org-{f.site.slug}"] == (
        row(f.server.name, "A", "198.18.250.5", MISSING_PTR)
        + row(f.vm.name, "A", "198.18.250.9", MISSING_PTR)
        + row(f.lb, "A", "100.127.1.70")
    )


@pytest.mark.django_db
def test_crash_cases_of_the_original_are_warnings():
    f = build_fleet()
    untagged = server(f.site, asset_tag=None)
    mgmt = untagged.interfaces.create(name="mgmt", type="1000base-t", mgmt_only=True)
    ip("100.126.0.40/16", f"{untagged.name}.mgmt.{f.site.slug}.wmnet", mgmt)
    reserved = ip("100.127.0.41/24", f"{untagged.name}.{f.site.slug}.wmnet", mgmt, status="reserved")
    untagged.primary_ip4 = reserved
    untagged.save()

    generation = service.generate_snippets(service.load_settings()).generation
    warnings = {m.text: m.ref for m in generation.messages if m.level == "warning"}
    assert warnings[f"Missing asset tag on device {untagged.name}, no asset tag record for 100.126.0.40/16"] == (
        "dcim.device",
        untagged.pk,
    )
    assert warnings[f"Primary address 100.127.0.41/24 for device {untagged.name} is not active, skipping"] == (
        "ipam.ipaddress",
        reserved.pk,
    )


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    f = build_fleet()

    def add_servers(start: int, n: int) -> None:
        for i in range(start, start + n):
            dev = server(f.site, asset_tag=f"T{i}{f.site.pk}")
            mgmt = dev.interfaces.create(name="mgmt", type="1000base-t", mgmt_only=True)
            ip(f"100.124.{i}.1/24", f"{dev.name}.mgmt.{f.site.slug}.wmnet", mgmt)
            vm_if = f.vm.interfaces.create(name=f"eth{i}")
            ip(f"100.124.{i}.2/24", f"vm{i}.{f.site.slug}.wmnet", vm_if)

    add_servers(0, 2)
    with CaptureQueriesContext(connection) as small:
        first = load_dns_inputs()
    add_servers(2, 10)
    with CaptureQueriesContext(connection) as large:
        second = load_dns_inputs()
    assert len(second.addresses) > len(first.addresses)
    assert len(large) == len(small) <= 5


@pytest.mark.django_db
def test_the_lock_is_held_across_database_sessions():
    other = psycopg.connect(
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
        user=connection.settings_dict["USER"],
        password=connection.settings_dict["PASSWORD"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(LOCK_NAME)])
        with pytest.raises(PublishError, match="Another DNS snippet run holds the lock"), dns_lock(timeout=0.5):
            pass
        # Ours, held in this session, excludes the other session too.
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key(LOCK_NAME)])
        with dns_lock(timeout=0.5):
            taken = other.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(LOCK_NAME)]).fetchone()[0]
            assert taken is False
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(LOCK_NAME)]).fetchone()[0] is True
    finally:
        other.close()
