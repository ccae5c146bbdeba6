"""ProvisionServerNetwork and ProvisionServerNetworkCSV (docs/behaviour-reference.md §2.4) on the demo fleet's planned
servers that wait for provisioning (``lifecycle.ready_to_provision``: racked, no interfaces;
``lifecycle.ready_to_provision_mgmt``: only a cabled mgmt interface whose IP and DNS name were allocated beforehand)."""

from __future__ import annotations

import pytest
from dcim.models import Cable, Device, Interface, MACAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from ipam.models import VLAN, IPAddress, Prefix

from dev.fleet.conventions import LEGACY_ROWS, v6_from_v4
from netbox_wmf_ops.lifecycle.planning.switch_ports import TOR_ROLES
from tests.integration.lifecycle.demo_fleet import (
    READY,
    READY_MGMT,
    free_addresses,
    free_switch_port,
    next_cable_id,
    port_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]

MODULE = "provision_server"
CORE_SITES = ("eqiad", "codfw")
MGMT_MAC = "02:00:5e:10:10:01"  # locally administered: no demo device has it


def private_vlan(device: Device) -> VLAN:
    """The private VLAN the demo gives a rack (dev/fleet/clean_fleet.py ``_server``): one per row in the legacy rows
    of the core sites, one per rack in their rows E-F, one per POP."""
    site, rack = device.site.slug, device.rack.name
    if site not in CORE_SITES:
        name = f"private1-{site}"
    elif rack[0] in LEGACY_ROWS:
        name = f"private1-{rack[0].lower()}-{site}"
    else:
        name = f"private1-{rack.lower()}-{site}"
    return VLAN.objects.get(name=name, site=device.site)


def uplink(switch: Device) -> tuple[str, str]:
    """(server interface type, switch port name prefix) of a new uplink on ``switch``."""
    if switch.device_type.slug == "ex4300-48t":  # 1G only
        return "1000base-t", "ge-"
    if switch.device_type.manufacturer.slug == "nokia":
        return "10gbase-x-sfpp", "ethernet-"
    return "10gbase-x-sfpp", "xe-"


class Target:
    """A ready server, its top-of-rack switch and the free port it is to be cabled to, read before the run."""

    def __init__(self, name: str):
        self.device = Device.objects.select_related("site", "rack__location").get(name=name)
        tors = list(Device.objects.filter(rack=self.device.rack, role__slug__in=TOR_ROLES, status="active"))
        assert len(tors) == 1, f"{name}: the demo puts ready servers in racks with one ToR, found {tors}"
        self.switch = tors[0]
        self.iface_type, prefix = uplink(self.switch)
        self.port = free_switch_port(self.switch, prefix)
        self.z_port = port_number(self.port.name)
        self.vlan = private_vlan(self.device)
        prefixes = list(Prefix.objects.filter(vlan=self.vlan, status="active"))
        (self.prefix4,) = [p for p in prefixes if p.family == 4]
        self.prefix6 = next((p for p in prefixes if p.family == 6), None)
        (self.first_free4,) = free_addresses(self.prefix4, 1)
        self.mgmt_before = list(
            IPAddress.objects.filter(interface__device=self.device, interface__name="mgmt").values_list("pk", flat=True)
        )

    @property
    def fast(self) -> bool:
        return self.iface_type != "1000base-t"

    def assert_provisioned(self, cable_id: str) -> Device:
        dev = Device.objects.get(pk=self.device.pk)
        site = dev.site.slug
        assert dev.status == "planned"  # provisioning does not change the status
        primary = Interface.objects.get(device=dev, name="##PRIMARY##")
        assert (primary.type, primary.mgmt_only) == (self.iface_type, False)

        ip4 = dev.primary_ip4
        assert ip4.address.ip in self.prefix4.prefix and str(ip4.address) == self.first_free4
        assert (ip4.dns_name, ip4.status, ip4.assigned_object) == (f"{dev.name}.{site}.wmnet", "active", primary)
        if self.prefix6 is None:
            assert dev.primary_ip6 is None
        else:
            ip6 = dev.primary_ip6
            assert str(ip6.address) == v6_from_v4(str(self.prefix6.prefix), str(ip4.address.ip))
            assert ip6.address.ip in self.prefix6.prefix
            assert (ip6.dns_name, ip6.assigned_object) == (f"{dev.name}.{site}.wmnet", primary)

        port = Interface.objects.get(pk=self.port.pk)
        assert (port.mode, port.untagged_vlan, port.mtu, port.enabled, port.type) == (
            "access",
            self.vlan,
            9192,
            True,
            self.iface_type,
        )
        cable = Cable.objects.get(label=cable_id)
        assert (primary.cable, port.cable) == (cable, cable)
        assert cable.status == "connected"
        assert (cable.color, cable.type) == (("111111", "dac-passive") if self.fast else ("2196f3", "cat5e"))

        mgmt = Interface.objects.get(device=dev, name="mgmt")
        assert (mgmt.mgmt_only, dev.oob_ip.assigned_object) == (True, mgmt)
        if self.mgmt_before:  # allocated beforehand: kept as it was
            assert dev.oob_ip.pk == self.mgmt_before[0]
            assert list(IPAddress.objects.filter(interface=mgmt).values_list("pk", flat=True)) == self.mgmt_before
        else:
            assert dev.oob_ip.dns_name == f"{dev.name}.mgmt.{site}.wmnet"
            # The management prefix of the server's row (the demo scopes them to rows).
            mgmt_prefix = Prefix.objects.get(role__slug="management", _location=dev.rack.location)
            assert dev.oob_ip.address.ip in mgmt_prefix.prefix
        return dev


def test_provision_one_ready_server(run_script):
    target = Target(READY[0])
    dev, switch, port = target.device, target.switch, target.port
    cable_id = next_cable_id()
    assert not MACAddress.objects.filter(mac_address=MGMT_MAC).exists()
    data = {
        "device": dev,
        "z_port": target.z_port,
        "interface_type": target.iface_type,
        "cable_id": cable_id,
        "z_nbdevice": None,  # found by the script: the rack's only ToR
        "vlan_type": "private",
        "vlan": None,
        "mgmt_mac": MGMT_MAC,
    }

    run = run_script(MODULE, "ProvisionServerNetwork", data, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    dev = target.assert_provisioned(cable_id)
    mgmt = Interface.objects.get(device=dev, name="mgmt")
    assert str(mgmt.primary_mac_address.mac_address).lower() == MGMT_MAC

    ip4, ip6, oob = dev.primary_ip4, dev.primary_ip6, dev.oob_ip
    dns = f"{dev.name}.{dev.site.slug}.wmnet"
    # The demo's servers and switches have asset tags: NetBox 4's str(device) is "name (tag)", the messages print
    # the name (docs/lifecycle-scripts.md).
    assert (str(dev), str(switch)) == (f"{dev.name} ({dev.asset_tag})", f"{switch.name} ({switch.asset_tag})")
    assert run.log[0][1].startswith("Called with parameters: ")
    for line in [
        ("success", f"{dev.name}: created interface ##PRIMARY## (mgmt=False)"),
        ("success", f"{dev.name}: assigned IPv4 {ip4} to interface ##PRIMARY## with DNS name '{dns}'."),
        ("success", f"{dev.name}: marked IPv4 address {ip4} as primary IPv4 for device."),
        ("success", f"{dev.name}: assigned IPv6 {ip6} to interface ##PRIMARY## with DNS name '{dns}'."),
        ("success", f"{dev.name}: marked IPv6 address {ip6} as primary IPv6."),
        ("success", f"{switch.name}:{port.name} configured vlan."),
        ("warning", f"{dev.name}: assuming Black dac-passive because 10gbase-x-sfpp"),
        ("success", f"{dev.name}: created interface mgmt (mgmt=True)"),
        ("success", f"{dev.name}: set {oob} as out-of-band IP for host."),
    ]:
        assert line in run.log
    assert run.log[-1] == ("success", "1 server provisioned")
    assert [m for _, m in run.log[1:] if dev.asset_tag in m or switch.asset_tag in m] == []


def test_provision_the_other_ready_servers_from_one_csv(run_script):
    targets = [Target(name) for name in READY[1:] + READY_MGMT]
    first_id = int(next_cable_id())
    cable_ids = [str(first_id + i) for i in range(len(targets))]
    rows = []
    for index, (target, cable_id) in enumerate(zip(targets, cable_ids, strict=True)):
        # Every way to name the switch and the VLAN: found by the script, or given by name.
        switch = target.switch.name if index % 2 else ""
        vlan, vlan_type = (target.vlan.name, "") if index == len(targets) - 1 else ("", "private")
        rows.append(f"{target.device.name},{switch},{vlan},{vlan_type},{target.z_port},{target.iface_type},{cable_id}")
    text = "\n".join(["device,z_nbdevice,vlan,vlan_type,z_port,interface_type,cable_id", *rows]) + "\n"
    upload = SimpleUploadedFile("servers.csv", text.encode(), content_type="text/csv")

    run = run_script(MODULE, "ProvisionServerNetworkCSV", {"csv_file": upload}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    devices = [t.assert_provisioned(cable_id) for t, cable_id in zip(targets, cable_ids, strict=True)]
    assert run.log[-1] == ("success", f"{len(targets)} servers provisioned")
    warnings = run.messages("warning")
    for target, dev in zip(targets, devices, strict=True):
        assert ("success", f"{dev.name}: marked IPv4 address {dev.primary_ip4} as primary IPv4 for device.") in run.log
        assert ("success", f"{target.switch.name}:{target.port.name} configured vlan.") in run.log
        if target.prefix6 is None:  # the demo's private VLAN of eqiad E1 has no IPv6 prefix
            assert f"{dev.name}: no IPv6 prefix found for VLAN {target.vlan}, skipping IPv6 allocation." in warnings
        if target.mgmt_before:
            assert f"{dev.name}: Skipping assignment of MGMT interface because already allocated" in warnings
            assert ("success", f"{dev.name}: created interface mgmt (mgmt=True)") not in run.log
        else:
            assert ("success", f"{dev.name}: created interface mgmt (mgmt=True)") in run.log
        expected_cable = "Black dac-passive because 10gbase-x-sfpp" if target.fast else "Blue cat5e because 1000base-t"
        assert f"{dev.name}: assuming {expected_cable}" in warnings
    # The VLAN given by name serves its row already, but not this rack yet.
    last = targets[-1]
    assert (
        f"{last.device.name} is the first device in rack {last.device.rack} to be added to VLAN {last.vlan}, unable to "
        "automatically verify if that's correct, please double check."
    ) in warnings
