"""The LibreNMS report on hand-built network devices, against a throw-away LibreNMS database on the real MariaDB, the
REST API fake, and failing sources."""

import socket

import pytest

from dev.fakes.extreports import FakeLibreNMS
from dev.librenms_harness import device_row, entphysical_row, librenms_database
from netbox_wmf_ops.reports.librenms import LibreNMS
from tests import factories
from tests.factories import reports as f
from tests.integration.extreports.helpers import assert_single_source_failure, plugin_settings, run
from tests.integration.reports.helpers import assert_conventions, count_queries, lines_about, messages

TOKEN = "fedcba9876543210fedcba9876543210"


def with_primary_ip(dev, address):
    iface = f.interface(dev, "em0")
    dev.primary_ip4 = f.ip(address, assigned=iface)
    dev.save()
    return dev


@pytest.fixture
def scenario():
    juniper = "Juniper"
    nb = {
        "asw": f.device(role_slug="asw", dtype=factories.device_type("QFX5120-48Y-AFI", juniper)),
        "cr": with_primary_ip(f.device(role_slug="cr", dtype=factories.device_type("MX480", juniper)), "198.18.0.1/32"),
        "vc": f.device(role_slug="asw", dtype=factories.device_type("EX4300-48T", juniper)),
        "mr": with_primary_ip(f.device(role_slug="mr", dtype=factories.device_type("MX204", juniper)), "198.18.0.2/32"),
        "pfw": f.device(role_slug="pfw", dtype=factories.device_type("SRX1500", juniper)),  # no primary IP yet
        "scs": f.device(role_slug="scs", dtype=factories.device_type("ACM7004-5", "Opengear")),
    }
    items = {
        "fpc0": f.inventory_item(nb["cr"], "FPC 0", "MPC7E", part_id="MPC7E-MRATE"),
        "fpc1": f.inventory_item(nb["cr"], "FPC 1", "MPC7E", part_id="MPC7E-MRATE"),
        "fpm": f.inventory_item(nb["cr"], "FPM Board", "Front panel", part_id="FPM"),
    }
    ghost = f.unique("GHOST")
    devices = [
        device_row(1, "asw1-b1-eqiad", "QFX5120-48Y-8C", "Juniper Networks, Inc. jnp48y8c-chas", nb["asw"].serial),
        device_row(2, "cr1-eqiad", "MX960", "Juniper Networks, Inc. mx960 internet router", nb["cr"].serial),
        device_row(3, "scs-a1-eqiad", "ACM7004-5", "Opengear ACM7004-5", nb["scs"].serial, os="opengear"),
        device_row(4, "ghost1-eqiad", "MX204", "Juniper Networks mx204", ghost),
    ]
    inventory = [
        entphysical_row(1, 2, 1, "FPC @ 0/*/*", "MPC7E 3D MRATE", f"S/N {items['fpc0'].serial}"),
        entphysical_row(2, 1, 2, "Routing Engine", "RE", nb["vc"].serial, vendor_type="jnxRE"),
    ]
    return nb, items, ghost, devices, inventory


def check_outcome(tests, nb, items, ghost):
    assert_conventions(tests)
    in_nb = tests["test_librenms_in_nb"]
    assert any(
        m.startswith(f"missing LibreNMS device from Netbox: serial: {ghost} hostname: ghost1-eqiad id: 4")
        for m in messages(in_nb, "failure")
    )
    for name in ("asw", "cr", "scs"):
        assert not any(nb[name].serial in m for m in messages(in_nb, "failure"))

    model = tests["test_librenms_vendor_model"]
    assert lines_about(model, nb["asw"]) == []  # qfx5120-48y-afi ≡ jnp48y8c-chas
    assert lines_about(model, nb["vc"]) == []  # juniper ex4300-48t ≡ juniper routing engine (inventory)
    assert lines_about(model, nb["cr"]) == [
        (
            "failure",
            "mismatch between LibreNMS and Netbox device types: Netbox: juniper mx480 (vendor model), "
            "LibreNMS: juniper networks, inc. mx960 internet router (description) || mx960 (hardware)",
        )
    ]

    inventory = tests["test_nb_inventory_in_librenms"]
    assert lines_about(inventory, items["fpc1"]) == [("failure", "missing Netbox inventory item from LibreNMS")]
    assert lines_about(inventory, items["fpc0"]) == lines_about(inventory, items["fpm"]) == []

    net = tests["test_nb_net_in_librenms"]
    assert lines_about(net, nb["mr"]) == [("failure", "missing Netbox device from LibreNMS of role mr")]
    for name in ("asw", "cr", "vc", "pfw", "scs"):
        assert lines_about(net, nb[name]) == [], name
    assert any(m.endswith("Netbox devices with no IP and not in LibreNMS") for m in messages(net, "info"))


@pytest.mark.django_db
def test_against_the_librenms_database(scenario, settings):
    nb, items, ghost, devices, inventory = scenario
    with librenms_database(devices, inventory) as db, plugin_settings(settings, librenms_db=db):
        tests = run(LibreNMS)
    check_outcome(tests, nb, items, ghost)


@pytest.mark.django_db
def test_against_the_rest_api(scenario, settings):
    nb, items, ghost, devices, inventory = scenario
    with (
        FakeLibreNMS(TOKEN, devices, inventory) as api,
        plugin_settings(settings, librenms_db={}, librenms_api_url=api.url, librenms_api_token=TOKEN),
    ):
        tests = run(LibreNMS)
    check_outcome(tests, nb, items, ghost)


@pytest.mark.django_db
def test_unreachable_database_is_one_line(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = {"host": "127.0.0.1", "port": port, "user": "netbox", "password": "s3cret-pass", "database": "librenms"}
    with plugin_settings(settings, librenms_db=db, external_connect_timeout=2):
        tests = run(LibreNMS)
    message = assert_single_source_failure(
        tests, "test_librenms_in_nb", f"LibreNMS database 127.0.0.1:{port}/librenms: cannot connect: (2003)"
    )
    assert "s3cret-pass" not in message


@pytest.mark.django_db
def test_api_error_is_one_line(settings):
    with (
        FakeLibreNMS(TOKEN, [], []) as api,
        plugin_settings(settings, librenms_db={}, librenms_api_url=api.url, librenms_api_token="wrong-token-0000"),
    ):
        tests = run(LibreNMS)
    message = assert_single_source_failure(tests, "test_librenms_in_nb", "LibreNMS API devices:")
    assert message.endswith("answered HTTP 401: Unauthenticated.") and "wrong-token-0000" not in message


@pytest.mark.django_db
def test_unconfigured_is_one_line(settings):
    with plugin_settings(settings, librenms_db={}, librenms_api_url=""):
        tests = run(LibreNMS)
    assert_single_source_failure(tests, "test_librenms_in_nb", "LibreNMS: no source configured")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet(settings):
    site = f.site()

    def add(n):
        for _ in range(n):
            dev = f.device(role_slug="asw", site_obj=site)
            f.inventory_item(dev, "FPC 0", "x")

    with librenms_database([], []) as db, plugin_settings(settings, librenms_db=db):
        add(3)
        small = count_queries(LibreNMS)
        add(12)
        large = count_queries(LibreNMS)
    assert small == large <= 2
