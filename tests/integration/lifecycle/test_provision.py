"""ProvisionServerNetwork and ProvisionServerNetworkCSV (docs/behaviour-reference.md §2.4), run as NetBox runs them."""

from __future__ import annotations

import ipaddress

import pytest
from dcim.models import Cable, Interface
from django.core.files.uploadedfile import SimpleUploadedFile
from ipam.models import VLAN, IPAddress, Prefix
from tenancy.models import Tenant

from tests import factories
from tests.factories import rack_spaces as lb
from tests.script_runs import REVERTED, REVERTED_ON_ERROR

from .snapshots import db_state

pytestmark = pytest.mark.django_db

MODULE = "provision_server"
SINGLE = "ProvisionServerNetwork"
CSV = "ProvisionServerNetworkCSV"


FORM = {"z_port": 3, "interface_type": "10gbase-x-sfpp", "cable_id": "", "z_nbdevice": None, "vlan_type": "private"}


def data(device, **fields) -> dict:
    """The form of ProvisionServerNetwork for ``device``: port 3, 10G, VLAN type private, unless ``fields`` say."""
    return {"device": device, **FORM, "vlan": None, "mgmt_mac": "", **fields}


def test_provision_happy_path(run_script):
    space = lb.rack_space()
    # Asset tags, so that NetBox 4's str(device) ("name (tag)") differs from the name the messages print.
    dev = lb.server(space, asset_tag=factories.unique("WMF"))
    space.switch.asset_tag = factories.unique("WMF")
    space.switch.save()
    run = run_script(MODULE, SINGLE, data(dev, cable_id="C1234", mgmt_mac="AA:BB:CC:00:11:22"), commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    dev.refresh_from_db()
    site = space.site.slug
    net = str(space.prefix4.prefix.network)[: -len(".0")]
    v4 = f"{net}.1/24"
    v6_net = space.prefix6.prefix.network
    v6 = ipaddress.ip_interface(f"{ipaddress.ip_address(str(v6_net)) + _hextets(net + '.1')}/64")
    assert str(dev.primary_ip4.address) == v4
    assert dev.primary_ip4.dns_name == f"{dev.name}.{site}.wmnet"
    assert ipaddress.ip_interface(str(dev.primary_ip6.address)) == v6
    assert dev.primary_ip6.dns_name == f"{dev.name}.{site}.wmnet"
    primary = Interface.objects.get(device=dev, name="##PRIMARY##")
    assert (primary.type, primary.mgmt_only) == ("10gbase-x-sfpp", False)
    assert dev.primary_ip4.assigned_object == primary

    port = space.port("xe-0/0/3")
    assert (port.mode, port.untagged_vlan, port.mtu, port.enabled) == ("access", space.vlan, 9192, True)
    cable = Cable.objects.get(label="C1234")
    assert (cable.color, cable.type, cable.status) == ("111111", "dac-passive", "connected")
    primary.refresh_from_db()
    port.refresh_from_db()
    assert (primary.cable, port.cable) == (cable, cable)

    mgmt = Interface.objects.get(device=dev, name="mgmt")
    assert mgmt.mgmt_only and mgmt.type == "1000base-t"
    assert str(mgmt.primary_mac_address.mac_address).lower() == "aa:bb:cc:00:11:22"
    assert dev.oob_ip.assigned_object == mgmt
    assert str(dev.oob_ip.address) == f"{str(space.mgmt_prefix.prefix.network)[: -len('.0')]}.1/24"
    assert dev.oob_ip.dns_name == f"{dev.name}.mgmt.{site}.wmnet"

    assert run.log[0][1].startswith("Called with parameters: ")
    assert (
        "success",
        f"{dev.name}: assigned IPv4 {v4} to interface ##PRIMARY## with DNS name '{dev.name}.{site}.wmnet'.",
    ) in run.log
    assert ("success", f"{dev.name}: marked IPv4 address {v4} as primary IPv4 for device.") in run.log
    assert ("success", f"{dev.name}: created interface ##PRIMARY## (mgmt=False)") in run.log
    assert ("success", f"{space.switch.name}:xe-0/0/3 configured vlan.") in run.log
    # Fix of docs/behaviour-reference.md §6.4 item 9: black DAC for 10G, the warning names the cable type.
    assert ("warning", f"{dev.name}: assuming Black dac-passive because 10gbase-x-sfpp") in run.log
    assert ("success", f"{dev.name}: created interface mgmt (mgmt=True)") in run.log
    assert run.log[-1] == ("success", "1 server provisioned")
    # Only the parameters line (the form data's repr) shows the asset tags.
    assert [m for _, m in run.log[1:] if dev.asset_tag in m or space.switch.asset_tag in m] == []
    assert run.output.startswith("[info] Called with parameters: ")
    assert run.output.endswith("[success] 1 server provisioned")


def _hextets(ipv4: str) -> int:
    """WMF's IPv6 host part: each IPv4 octet's decimal digits read as one hextet."""
    value = 0
    for octet in ipv4.split("."):
        value = (value << 16) | int(octet, 16)
    return value


def test_provision_dry_run_changes_nothing(run_script):
    space = lb.rack_space()
    dev = lb.server(space)
    before = db_state()
    run = run_script(MODULE, SINGLE, data(dev), commit=False)
    assert run.messages("failure") == []
    assert ("success", "1 server provisioned") in run.log
    assert run.log[-1] == ("info", REVERTED)
    assert db_state() == before


def test_provision_explicit_vlan_first_in_rack_warns(run_script):
    space = lb.rack_space()
    other = lb.rack_space(site=space.site, location=space.location)
    # The VLAN already serves the other rack of the row: allowed, with the "first device in rack" warning.
    lb.cabled_server(other, "xe-0/0/1")
    other_port = other.port("xe-0/0/1")
    other_port.untagged_vlan = space.vlan
    other_port.save()
    space.switch.delete()
    dev = lb.server(space)
    run = run_script(MODULE, SINGLE, data(dev, vlan_type="", vlan=space.vlan, z_nbdevice=other.switch))
    assert run.aborted_with == f"{dev.name}: switch {other.switch.name} not in same rack as server."

    switch = lb.tor_switch(space.rack, "nokia", position=41)
    run = run_script(MODULE, SINGLE, data(dev, vlan_type="", vlan=space.vlan, z_nbdevice=switch, z_port=7))
    assert run.messages("failure") == [], run.log
    assert (
        "warning",
        f"{dev.name} is the first device in rack {space.rack} to be added to VLAN {space.vlan}, unable to "
        "automatically verify if that's correct, please double check.",
    ) in run.log
    port = Interface.objects.get(device=switch, name="ethernet-1/7")
    assert port.untagged_vlan == space.vlan


def test_provision_keeps_an_allocated_mgmt(run_script):
    space = lb.rack_space(with_v6=False)
    dev = lb.server(space, status="inventory")
    mgmt = Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
    IPAddress.objects.create(address="172.31.0.9/24", dns_name=f"{dev.name}.mgmt.x.wmnet", assigned_object=mgmt)
    run = run_script(MODULE, SINGLE, data(dev, interface_type="1000base-t"))
    assert run.messages("failure") == [], run.log
    assert ("warning", f"{dev.name}: Skipping assignment of MGMT interface because already allocated") in run.log
    assert ("warning", f"{dev.name}: no IPv6 prefix found for VLAN {space.vlan}, skipping IPv6 allocation.") in run.log
    assert ("warning", f"{dev.name}: assuming Blue cat5e because 1000base-t") in run.log
    assert Interface.objects.filter(device=dev).count() == 2
    assert IPAddress.objects.filter(interface__device=dev).count() == 2
    assert space.port("ge-0/0/3").cable is not None  # the 1G name of port 3, created


def test_provision_frtech_skips_the_primary(run_script):
    tenant = Tenant.objects.get_or_create(slug="fr-tech", defaults={"name": "Fundraising Tech"})[0]
    space = lb.rack_space(tenant=tenant)
    dev = lb.server(space, tenant=tenant)
    run = run_script(MODULE, SINGLE, data(dev))
    assert run.messages("failure") == [], run.log
    assert (
        "warning",
        f"{dev.name}: Skipping Primary IP allocation with tenant {tenant}. Primary IP allocation for Fundraising "
        "Tech is done manually in the DNS repository.",
    ) in run.log
    dev.refresh_from_db()
    assert dev.primary_ip4 is None
    assert dev.oob_ip.dns_name == f"{dev.name}.mgmt.frack.{space.site.slug}.wmnet"


def _refusal_cases():
    """(name, setup(space) → (data, expected message))."""

    def neither(space):
        dev = lb.server(space)
        return data(
            dev, vlan_type=""
        ), f"{dev.name}: one parameter between VLAN Type and VLAN must be specified, skipping."

    def both(space):
        dev = lb.server(space)
        return data(dev, vlan=space.vlan), (
            f"{dev.name}: only one parameter between VLAN Type and VLAN can be specified, skipping."
        )

    def active(space):
        dev = lb.server(space, status="active")
        return data(dev), f"{dev.name}: status active, expected Inventory or Planned, skipping."

    def unnamed(space):
        # NetBox allows an unnamed device: the messages fall back to str(device), "Dell PowerEdge R450 ({pk})".
        dev = lb.server(space, status="active")
        dev.name = None
        dev.save()
        return data(dev), f"Dell PowerEdge R450 ({dev.pk}): status active, expected Inventory or Planned, skipping."

    def no_rack(space):
        dev = lb.server(space, position=None)
        dev.rack = None
        dev.save()
        return data(dev), f"{dev.name}: missing rack information, skipping."

    def not_server(space):
        dev = lb.server(space)
        dev.role = factories.role("pdu")
        dev.save()
        return data(dev), f"{dev.name}: role pdu, only servers are supported, skipping."

    def duplicate_cable(space):
        lb.cabled_server(space, "xe-0/0/0", label="C77", position=20)
        dev = lb.server(space)
        return data(dev, cable_id="C77"), f"Cable ID C77 already assigned in {space.site}."

    def no_tor(space):
        space.switch.status = "planned"
        space.switch.save()
        dev = lb.server(space)
        return data(dev), (
            f"{dev.name}: Can't find an adequate top-or-rack switch in rack {space.rack}. please double check or "
            "select it manually."
        )

    def two_tors(space):
        lb.tor_switch(space.rack, "nokia", position=41)
        dev = lb.server(space)
        return data(dev), (
            f"{dev.name}: Can't find an adequate top-or-rack switch in rack {space.rack}. please double check or "
            "select it manually."
        )

    def supermicro(space):
        dev = lb.server(space, maker="Supermicro", model="SYS-110P")
        return data(dev), "The device's vendor, supermicro, requires to provide the MAC address of the mgmt interface."

    def interfaces(space):
        dev = lb.server(space)
        Interface.objects.create(device=dev, name="eno1", type="1000base-t")
        Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
        return data(dev), f"{dev.name}: interfaces already defined: ['eno1', 'mgmt'], skipping."

    def no_vlan(space):
        dev = lb.server(space)
        site, rack = space.site.slug, space.rack.name.lower()
        return data(dev, vlan_type="public"), (
            f"{dev.name}: unable to find VLAN with name public1-{site} or public1-{rack}-{site}, skipping."
        )

    def pop_type(space):
        dev = lb.server(space)
        return data(dev, vlan_type="analytics"), (
            f"{dev.name}: VLAN type analytics not available in site {space.site.slug}, skipping."
        )

    def vlan_site(space):
        dev = lb.server(space)
        vlan = VLAN.objects.create(name=factories.unique("v"), vid=3999, site=factories.site(), status="active")
        return data(dev, vlan_type="", vlan=vlan), (
            f"{dev.name}: mismatch site for VLAN {vlan}: {space.site} (device) != {vlan.site} (VLAN), skipping."
        )

    def vlan_tenant(space):
        dev = lb.server(space)
        tenant = Tenant.objects.create(name=factories.unique("t"), slug=factories.unique("t"))
        space.vlan.tenant = tenant
        space.vlan.save()
        return data(dev, vlan_type="", vlan=space.vlan), (
            f"{dev.name}: mismatch tenant for VLAN {space.vlan}: None (device) != {tenant} (VLAN), skipping."
        )

    def vlan_row(space):
        elsewhere = lb.rack_space(site=space.site, location=_other_row(space))
        lb.cabled_server(elsewhere, "xe-0/0/1")
        port = elsewhere.port("xe-0/0/1")
        port.untagged_vlan = space.vlan
        port.save()
        dev = lb.server(space)
        return data(dev, vlan_type="", vlan=space.vlan), (
            f"{dev.name} is in row {space.location} but VLAN {space.vlan} is present only in "
            f"{{'{elsewhere.location}'}}. Skipping device because of invalid VLAN."
        )

    def cabled_port(space):
        lb.cabled_server(space, "xe-0/0/3", position=20)
        dev = lb.server(space)
        return data(dev), (
            f"There is already a cable on {space.switch.name}:xe-0/0/3 (typo?), please fix it manually and re-run the "
            "script."
        )

    def one_g_only(space):
        space.switch.device_type = factories.device_type("EX4300-48T", "Juniper")
        space.switch.save()
        dev = lb.server(space)
        return data(dev), "Switch is 1G only, interface type must be 1G"

    def no_mgmt_prefix(space):
        space.mgmt_prefix.delete()
        dev = lb.server(space)
        return data(dev), f"{dev.name}: can't find management prefix for site {space.site}."

    def two_mgmt_prefixes(space):
        Prefix.objects.create(
            prefix="172.30.250.0/24", scope=space.location, status="active", role=lb.prefix_role("management")
        )
        dev = lb.server(space)
        return data(dev), (
            f"{dev.name}: several management prefixes for site {space.site}: "
            f"['{space.mgmt_prefix.prefix}', '172.30.250.0/24'], skipping."
        )

    def full_mgmt_prefix(space):
        space.mgmt_prefix.prefix = "172.30.251.0/31"
        space.mgmt_prefix.save()
        IPAddress.objects.create(address="172.30.251.0/31")
        IPAddress.objects.create(address="172.30.251.1/31")
        dev = lb.server(space)
        return data(dev), f"{dev.name}: unable to find an available IP in prefix {space.mgmt_prefix}"

    return {f.__name__: f for f in locals().values() if callable(f)}


def _other_row(space):
    from dcim.models import Location

    return Location.objects.create(site=space.site, name=f"{space.site.slug} row F", slug=f"{space.site.slug}-row-f")


REFUSALS = _refusal_cases()


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_provision_refusals_write_nothing(run_script, case):
    space = lb.rack_space()
    values, expected = REFUSALS[case](space)
    before = db_state()
    run = run_script(MODULE, SINGLE, values, commit=True)
    assert run.aborted_with == expected, run.log
    assert run.job.status == "errored"
    assert run.log[-1] == ("info", REVERTED_ON_ERROR)
    assert db_state() == before


# --------------------------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------------------------

HEADER = "device,z_nbdevice,vlan,vlan_type,z_port,interface_type,cable_id,mgmt_mac"


def upload(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("servers.csv", ("\n".join([header, *rows]) + "\n").encode(), content_type="text/csv")


def test_csv_happy_path(run_script):
    space = lb.rack_space()
    a = lb.server(space, position=10)
    b = lb.server(space, position=11, maker="Supermicro", model="SYS-110P")
    csv_file = upload(
        f"{a.name},{space.switch.name},,private,1,10gbase-x-sfpp,C1,",
        f"{b.name},,{space.vlan.name},,2,25gbase-x-sfp28,C2,aa:bb:cc:dd:ee:01",
    )
    run = run_script(MODULE, CSV, {"csv_file": csv_file}, commit=True)
    assert run.messages("failure") == [], run.log
    a.refresh_from_db()
    b.refresh_from_db()
    net = str(space.prefix4.prefix.network)[: -len(".0")]
    assert (str(a.primary_ip4.address), str(b.primary_ip4.address)) == (f"{net}.1/24", f"{net}.2/24")
    assert str(a.oob_ip.address) != str(b.oob_ip.address)
    assert space.port("xe-0/0/1").cable.label == "C1"
    assert Interface.objects.get(device=space.switch, name="et-0/0/2").cable.label == "C2"
    assert str(Interface.objects.get(device=b, name="mgmt").primary_mac_address.mac_address).lower() == (
        "aa:bb:cc:dd:ee:01"
    )
    assert run.log[-1] == ("success", "2 servers provisioned")


def test_csv_one_bad_row_writes_nothing(run_script):
    space = lb.rack_space()
    a = lb.server(space, position=10)
    b = lb.server(space, position=11, maker="Supermicro", model="SYS-110P")
    c = lb.server(space, position=12)
    csv_file = upload(
        f"{a.name},,,private,1,10gbase-x-sfpp,C1,",
        "nosuchserver,,,private,2,10gbase-x-sfpp,,",
        f"{b.name},,,private,3,10gbase-x-sfpp,,",
        f"{c.name},,,private,1,10gbase-x-sfpp,,",
        f"{a.name},nosuchswitch,,private,4,10gbase-x-sfpp,,",
    )
    before = db_state()
    run = run_script(MODULE, CSV, {"csv_file": csv_file}, commit=True)
    assert run.messages("failure") == [
        "nosuchserver: device not found, skipping.",
        "The device's vendor, supermicro, requires to provide the MAC address of the mgmt interface.",
        f"{a.name}: switch nosuchswitch not found, skipping.",
        f"{c.name}: switch port {space.switch.name}:xe-0/0/1 already used by line 2 of the CSV",
        "Script aborted with error: 4 CSV rows refused, nothing provisioned",
    ]
    assert run.log[-1] == ("info", REVERTED_ON_ERROR)
    assert db_state() == before


def test_csv_missing_header(run_script):
    run = run_script(
        MODULE, CSV, {"csv_file": upload("x,,,private,1,1000base-t", header=HEADER.replace(",cable_id,", ","))}
    )
    assert run.aborted_with == "CSV header cable_id missing, skipping."
