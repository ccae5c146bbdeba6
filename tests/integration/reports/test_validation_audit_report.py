"""The Validation audit on the demo fleet (scale 0.05) and on hand-built objects added to it."""

from __future__ import annotations

import importlib

import pytest
from dcim.models import Cable, ConsolePort, Device, DeviceType, Interface, PowerPort, Site
from django.utils import timezone
from ipam.models import IPAddress, Prefix

from dev.fleet.plan import plan_fleet
from netbox_wmf_ops.checks.validation_audit import PARTLY_REPORTED_BY, REPORTED_BY
from netbox_wmf_ops.loaders import validation_audit as loader
from netbox_wmf_ops.owners import report_owner
from netbox_wmf_ops.registration import discover_shipped_modules
from netbox_wmf_ops.reporting import WmfReport
from netbox_wmf_ops.reports.coherence import Coherence
from netbox_wmf_ops.reports.validation_audit import ValidationAudit
from netbox_wmf_ops.validation import validators as v
from netbox_wmf_ops.validation.rules import dcim as dcim_rules
from netbox_wmf_ops.validation.rules import interface as interface_rules
from netbox_wmf_ops.validation.rules import ipam as ipam_rules
from netbox_wmf_ops.validation.rules.device import check_device
from tests import factories
from tests.factories import reports as f
from tests.integration.reports.helpers import (
    assert_conventions,
    assert_queries_do_not_grow,
    lines_about,
    run_report,
)

DEFECTS = plan_fleet(0.05, 1).defects


def rules_of(result: dict, obj) -> list[str]:
    """The messages of the audit's failures about ``obj``."""
    return [message for level, message in lines_about(result, obj) if level == "failure"]


def as_tuples(errors) -> list[tuple]:
    return [(e.field, e.message, e.rule) for e in errors]


@pytest.mark.django_db
def test_the_loaders_build_the_records_the_save_time_validators_build():
    """Each loader reads an object as its validator's adapter does: same errors, same rule codes, on every object of
    the fleet (interfaces: those of the network devices with irb units or Trident-3 blocks, and a few others)."""
    today = timezone.localdate()
    devices = Device.objects.in_bulk()
    for pk, record in loader.load_devices():
        assert as_tuples(check_device(record, today)) == as_tuples(v.DeviceValidator().errors(devices[pk])), pk
    for device_type, args in loader.load_device_types():
        assert dcim_rules.check_device_type(*args) == v.DeviceTypeValidator().errors(device_type)
    cables = Cable.objects.in_bulk()
    for pk, record in loader.load_cables():
        assert as_tuples(dcim_rules.check_cable(record)) == as_tuples(v.CableValidator().errors(cables[pk])), pk
    ports = ConsolePort.objects.in_bulk()
    for pk, record in loader.load_components("consoleport"):
        expected = v.ConsolePortValidator().errors(ports[pk])
        assert dcim_rules.check_console_port(record.name, record.manufacturer) == expected
    power = PowerPort.objects.in_bulk()
    for pk, record in loader.load_components("powerport"):
        assert dcim_rules.check_power_port(record.name) == v.PowerPortValidator().errors(power[pk])
    for site, slug in loader.load_sites():
        assert dcim_rules.check_site(slug) == v.SiteValidator().errors(site)
    addresses = IPAddress.objects.in_bulk()
    for pk, record in loader.load_ip_addresses():
        expected = as_tuples(v.IPAddressValidator().errors(addresses[pk]))
        assert as_tuples(ipam_rules.check_ip_address(record)) == expected, addresses[pk]
    for prefix, record in loader.load_prefixes():
        expected = as_tuples(v.PrefixValidator().errors(Prefix.objects.get(pk=prefix.pk)))
        assert as_tuples(ipam_rules.check_prefix(record)) == expected, prefix

    records = dict(loader.load_interfaces())
    sample_devices = set(
        Interface.objects.filter(pk__in=records, name__startswith="irb").values_list("device_id", flat=True)[:3]
    )
    sample_devices |= set(
        Device.objects.filter(device_type__slug__in=interface_rules.TRIDENT3_DEVICE_TYPES).values_list("pk", flat=True)[
            :2
        ]
    )
    sample_devices |= set(Interface.objects.filter(pk__in=records).values_list("device_id", flat=True)[:3])
    sample = Interface.objects.filter(device_id__in=sample_devices, pk__in=records)
    assert sample.count() > 50
    for interface in sample:
        expected = as_tuples(v.InterfaceValidator().errors(interface))
        assert as_tuples(interface_rules.check_interface(records[interface.pk])) == expected, interface


@pytest.fixture(scope="module")
def audit(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return run_report(ValidationAudit)


@pytest.mark.django_db
def test_the_audit_follows_the_report_conventions(audit):
    assert_conventions(audit)
    assert set(audit) == {
        "test_cables",
        "test_console_ports",
        "test_device_types",
        "test_devices",
        "test_interfaces",
        "test_ip_addresses",
        "test_power_ports",
        "test_prefixes",
        "test_sites",
        "test_vpn",
    }


@pytest.mark.django_db
def test_the_fleets_validator_only_violations_appear_with_their_rule(audit):
    """The demo fleet was loaded without validators: what only a validator rule refuses is in the audit."""
    staged = Device.objects.filter(role__slug="server", status="staged")
    assert staged.exists()
    for device in staged:
        assert rules_of(audit["test_devices"], device) == ["Invalid role/status (servers must not use STAGED)"]
    # MX480 routers' third power supply: the Cables report accepts "PEM 2", the validator does not.
    pem2 = PowerPort.objects.filter(name="PEM 2").first()
    assert rules_of(audit["test_power_ports"], pem2) == [f"Invalid name (must be one of {dcim_rules.POWER_PORT_NAMES})"]
    # Unused switch ports are disabled but keep their MTU and mode.
    disabled = Interface.objects.filter(device__role__slug="asw", enabled=False).exclude(mtu=None).first()
    assert "Invalid mtu (must not be set on disabled interfaces)" in rules_of(audit["test_interfaces"], disabled)
    config_type = DeviceType.objects.get(model="PowerEdge R450 - ConfigA 202107")
    assert rules_of(audit["test_device_types"], config_type) == [
        f"Invalid model (slug must match {dcim_rules.POWEREDGE_SLUG!r})"
    ]


@pytest.mark.django_db
def test_findings_carry_the_validator_rule_code():
    audit = ValidationAudit()
    emitted = []
    audit.emit = emitted.extend
    audit.test_devices()
    failures = [finding for finding in emitted if finding.level == "failure"]
    assert failures and {finding.rule for finding in failures} == {"device.server_staged"}


@pytest.mark.django_db
def test_seeded_defects_a_report_test_covers_are_not_counted_twice(audit):
    """Asset tags, purchase dates, device names, ... are Coherence tests: their defects are Coherence findings only."""
    coherence = run_report(Coherence)
    for key, test in {
        "coherence.malformed_asset_tag": "test_malformed_asset_tags",
        "coherence.missing_asset_tag": "test_malformed_asset_tags",
        "coherence.future_purchase_date": "test_purchase_date",
        "coherence.malformed_name_active": "test_device_name",
        "coherence.malformed_ticket": "test_ticket",
    }.items():
        for name in DEFECTS[key]:
            device = Device.objects.get(name=name)
            assert lines_about(coherence[test], device), (key, name)
            assert rules_of(audit["test_devices"], device) == [], (key, name)
    # And no finding of the audit has a rule that is mapped to a report test.
    messages = {m for result in audit.values() for _, level, _, _, m in result["log"] if level == "failure"}
    assert not any(m.startswith(("Missing asset tag", "Invalid asset tag", "Invalid purchase date")) for m in messages)


@pytest.mark.django_db
def test_objects_without_defects_do_not_appear(audit):
    defective = {name.split(":")[0] for names in DEFECTS.values() for name in names}
    clean = Device.objects.filter(role__slug="server", status="active").exclude(name__in=defective).first()
    assert rules_of(audit["test_devices"], clean) == []
    for address in IPAddress.objects.filter(interface__device=clean):
        assert rules_of(audit["test_ip_addresses"], address) == []
    for site in Site.objects.all():
        assert rules_of(audit["test_sites"], site) == []


@pytest.mark.django_db
def test_hand_built_violations_of_each_model_are_found():
    site = f.site()
    router = f.device(role_slug="cr", site_obj=site)
    bad_port = f.interface(router, "xe-0/0/1", enabled=False, description="spare")
    child = f.interface(router, "xe-0/0/2.100", parent=f.interface(router, "xe-0/0/2"))
    server = f.device(role_slug="server", site_obj=site, status="staged")
    host_ip = f.ip("10.9.9.9/24", assigned=f.interface(server, "eno1"), dns_name="host-without-domain")
    tests = run_report(ValidationAudit)
    assert rules_of(tests["test_interfaces"], bad_port) == [
        "Invalid description (must not be set on disabled interfaces)"
    ]
    assert rules_of(tests["test_interfaces"], child) == [
        f"Child interfaces must be one of those types: {interface_rules.CHILD_TYPES}."
    ]
    assert "Invalid role/status (servers must not use STAGED)" in rules_of(tests["test_devices"], server)
    assert rules_of(tests["test_ip_addresses"], host_ip) == [
        "Invalid DNS name: no dot found, it must be an FQDN, not a hostname"
    ]


def add_violations(n: int) -> None:
    """n routers cabled to n staged servers at a new site, with badly named ports and IPs without a dot."""
    site = f.site()
    for _ in range(n):
        router = f.device(role_slug="cr", site_obj=site)
        server = f.device(role_slug="server", site_obj=site, status="staged")
        f.power_port(server, "psu9")
        factories.console_port(router, "con9")
        f.cable(f.interface(router, f.unique("xe-0/0/")), f.interface(server, "eno1"), label=f.unique("L"))
        f.ip(f"10.99.{n}.{f.unique('')[-2:].lstrip('0') or '1'}/24", dns_name="nodot")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    # 10 tests: devices 3 (+1 resolve), device types 1, interfaces 5 (+1), cables 4 (+1), console/power ports 1 (+1)
    # each, sites 1, IP addresses 4 (+1), prefixes 1, VPN 4; plus the content-type lookups NetBox caches.
    assert_queries_do_not_grow(ValidationAudit, add_violations, 2, 8, most=35)


def test_every_mapped_report_test_exists():
    for test in [*REPORTED_BY.values(), *(test for test, _ in PARTLY_REPORTED_BY.values())]:
        module, cls, method = test.split(".")
        report = getattr(importlib.import_module(f"netbox_wmf_ops.reports.{module.removeprefix('wmf_ops_')}"), cls)
        assert callable(getattr(report, method, None)), test


def test_every_shipped_report_declares_its_owner():
    reports = [
        getattr(importlib.import_module(module.source), name)
        for module in discover_shipped_modules()
        for name in module.class_names
        if module.source.startswith("netbox_wmf_ops.reports.")
    ]
    assert len(reports) == 12 and all(issubclass(r, WmfReport) for r in reports)
    owners = {r.__name__: report_owner(r) for r in reports}
    assert all(owner.owner for owner in owners.values()), owners
    assert {name for name, owner in owners.items() if not owner.alerts} == {
        "Coherence",
        "Juniper",
        "VlanMigration",
        "ValidationAudit",
    }
    assert owners["Accounting"].owner == "DC-ops/finance"
    assert owners["PhysicalHosts"].owner == owners["VirtualMachines"].owner == "whoever reimaged the host"
