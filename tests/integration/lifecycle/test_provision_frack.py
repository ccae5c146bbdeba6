"""ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5), run as NetBox runs them, on objects built by
``tests/factories/rack_spaces.py``: the happy path, the dry run, the switch-port clean-up and every refusal, each
refusal proving that the database is exactly as before."""

from __future__ import annotations

import pytest
from dcim.models import Cable, CableTermination, Device, Interface, MACAddress
from ipam.models import VLAN, IPAddress, Prefix

from tests import factories
from tests.factories import rack_spaces as lb
from tests.script_runs import REVERTED, REVERTED_ON_ERROR

pytestmark = pytest.mark.django_db

MODULE = "frtech_provision_server"
SCRIPT = "ProvisionFundraisingServerNetwork"


FORM = {"z_port": 5, "interface_type": "10gbase-x-sfpp", "vlan_type": "fundraising", "cable_id_a": "", "cable_id_b": ""}


def data(device, **fields) -> dict:
    """The form of ProvisionFundraisingServerNetwork for ``device``: port 5, 10G, VLAN type fundraising, unless
    ``fields`` say."""
    return {"device": device, **FORM, **fields}


TOUCHED = (Interface, IPAddress, Cable, CableTermination, MACAddress, Device, Prefix, VLAN)


def every_field() -> dict:
    """Every row and every field of the tables the script touches (interfaces and their VLAN membership, IPs, cables
    and their terminations, MAC addresses, devices, prefixes, VLANs): a refused run's database must be this before."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in TOUCHED}
    state["tagged"] = sorted(Interface.tagged_vlans.through.objects.values_list("interface_id", "vlan_id"))
    return state


# The interface fields an operator sees (no cached path or timestamps).
INTERFACE_FIELDS = (
    *("pk", "device_id", "name", "type", "enabled", "mgmt_only", "mtu", "mode", "untagged_vlan_id", "lag_id"),
    *("parent_id", "description", "cable_id", "cable_end", "mark_connected"),
)


def full_state() -> dict:
    """The fields of the touched tables that matter to an operator (no timestamps or cached paths): what a revert
    must restore."""
    return {
        "interfaces": sorted(Interface.objects.values_list(*INTERFACE_FIELDS)),
        "tagged": sorted(Interface.tagged_vlans.through.objects.values_list("interface_id", "vlan_id")),
        "ips": sorted(
            (pk, str(address), *rest)
            for pk, address, *rest in IPAddress.objects.values_list(
                "pk",
                "address",
                "dns_name",
                "status",
                "tenant_id",
                "vrf_id",
                "assigned_object_type_id",
                "assigned_object_id",
            )
        ),
        "cables": sorted(Cable.objects.values_list("pk", "label", "color", "type", "status")),
        "terminations": sorted(
            CableTermination.objects.values_list("pk", "cable_id", "cable_end", "termination_type_id", "termination_id")
        ),
        "macs": sorted(MACAddress.objects.values_list("pk", "mac_address", "assigned_object_id")),
        "devices": sorted(
            Device.objects.values_list(
                "pk", "name", "status", "rack_id", "position", "primary_ip4_id", "primary_ip6_id", "oob_ip_id"
            )
        ),
        "prefixes": sorted(
            (pk, str(p), *rest) for pk, p, *rest in Prefix.objects.values_list("pk", "prefix", "vlan_id", "status")
        ),
        "vlans": sorted(VLAN.objects.values_list("pk", "name", "tenant_id", "site_id")),
    }


def net(prefix: Prefix) -> str:
    return str(prefix.prefix.network)[: -len(".0")]


def test_happy_path(run_script):
    space = lb.frack_rack()
    dev = lb.frack_server(space, asset_tag=factories.unique("WMF"))
    run = run_script(MODULE, SCRIPT, data(dev, cable_id_a="FR-A1", cable_id_b="FR-B1"), commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    dev.refresh_from_db()
    site = space.site.slug
    bond = Interface.objects.get(device=dev, name="bond0")
    assert bond.type == "lag"
    assert str(dev.primary_ip4.address) == f"{net(space.prefix)}.1/24"  # the first free address
    assert dev.primary_ip4.dns_name == f"{dev.name}.frack.{site}.wmnet"
    assert (dev.primary_ip4.assigned_object, dev.primary_ip4.tenant, dev.primary_ip6) == (bond, space.tenant, None)
    mgmt = Interface.objects.get(device=dev, name="mgmt")
    assert (mgmt.type, mgmt.mgmt_only) == ("1000base-t", True)
    assert str(dev.oob_ip.address) == f"{net(space.mgmt_prefix)}.1/24"
    assert dev.oob_ip.dns_name == f"{dev.name}.mgmt.frack.{site}.wmnet"
    assert dev.oob_ip.assigned_object == mgmt

    for letter, label in (("a", "FR-A1"), ("b", "FR-B1")):
        port = space.port(letter, "xe-0/0/5")
        assert (port.enabled, port.mode, port.untagged_vlan, port.mtu, port.type) == (
            True,
            "access",
            space.vlan,
            9192,
            "10gbase-x-sfpp",
        )
        member = Interface.objects.get(device=dev, name=f"PRIMARY_{letter.upper()}")
        assert (member.lag, member.type, member.description) == (bond, "10gbase-x-sfpp", "dummy interface name")
        cable = Cable.objects.get(label=label)
        assert (cable.status, cable.color, cable.type) == ("connected", "111111", "dac-passive")
        assert (member.cable, port.cable) == (cable, cable)
        assert member.link_peers == [port]
    assert set(Interface.objects.filter(device=dev).values_list("name", flat=True)) == {
        "bond0",
        "mgmt",
        "PRIMARY_A",
        "PRIMARY_B",
    }

    name, sw_a, sw_b = dev.name, space.switches["a"].name, space.switches["b"].name
    vlan = str(space.vlan)  # NetBox 4 shows "name (vid)"
    successes = run.messages("success")
    expected = [
        f"{name}: created interface bond0 (mgmt=False)",
        f"{name}: assigned {dev.primary_ip4} to interface bond0 with DNS name '{name}.frack.{site}.wmnet'.",
        f"{name}: set primary IP to {dev.primary_ip4}",
        f"{name}: created interface mgmt (mgmt=True)",
        f"{name}: set {dev.oob_ip} as out-of-band IP for host.",
        f"{sw_a}: created interface xe-0/0/5 (mgmt=False)",
        f"{name}: Set access vlan on {sw_a} xe-0/0/5 to {vlan} and MTU to 9192.",
        f"{name}: created interface PRIMARY_A (mgmt=False)",
        f"{sw_b}: created interface xe-0/0/5 (mgmt=False)",
        f"{name}: Set access vlan on {sw_b} xe-0/0/5 to {vlan} and MTU to 9192.",
        f"{name}: created interface PRIMARY_B (mgmt=False)",
        "1 server provisioned",
    ]
    found = iter(successes)
    missing = [line for line in expected if line not in found]  # in this order (cable lines in between)
    assert missing == [], successes
    assert f"{sw_a}: deleting unused existing interface xe-0/0/5" in run.messages("info")
    assert run.output.splitlines()[-1] == "[success] 1 server provisioned"


def test_dry_run_shows_the_changes_and_writes_nothing(run_script):
    space = lb.frack_rack()
    dev = lb.frack_server(space)
    before = every_field()
    run = run_script(MODULE, SCRIPT, data(dev), commit=False)
    assert run.job.status == "completed", run.log
    assert f"{dev.name}: created interface PRIMARY_B (mgmt=False)" in run.messages("success")
    assert REVERTED in [m for _, m in run.log]
    assert every_field() == before


def test_only_the_chosen_port_number_is_cleared(run_script):
    """Fix of the original's clean-up, which removed every interface whose name ends with the port number."""
    space = lb.frack_rack(ports=30)
    switch = space.switches["a"]
    Interface.objects.create(device=switch, name="ge-0/0/5", type="1000base-t", enabled=False)
    dev = lb.frack_server(space)
    run = run_script(MODULE, SCRIPT, data(dev), commit=True)
    assert run.job.status == "completed", run.log
    names = set(Interface.objects.filter(device=switch).values_list("name", flat=True))
    assert "ge-0/0/5" not in names
    assert {"xe-0/0/5", "xe-0/0/15", "xe-0/0/25"} <= names
    assert {f"{switch.name}: deleting unused existing interface ge-0/0/5"} <= set(run.messages("info"))


def test_mgmt_already_allocated_is_kept(run_script):
    space = lb.frack_rack()
    dev = lb.frack_server(space)
    mgmt = Interface.objects.create(device=dev, name="mgmt", type="1000base-t", mgmt_only=True)
    ip = IPAddress.objects.create(address="172.24.0.9/24", assigned_object=mgmt, dns_name="x.mgmt.frack.y.wmnet")
    run = run_script(MODULE, SCRIPT, data(dev), commit=True)
    assert run.job.status == "completed", run.log
    assert f"{dev.name}: Skipping assignment of MGMT interface because already allocated" in run.messages("warning")
    assert list(IPAddress.objects.filter(assigned_object_id=mgmt.pk).values_list("pk", flat=True)) == [ip.pk]
    assert Interface.objects.filter(device=dev, name="bond0").exists()


# --------------------------------------------------------------------------------------------------------------------
# Refusals: nothing written, the database exactly as before
# --------------------------------------------------------------------------------------------------------------------


def _second_port_taken(space, dev):
    port = space.port("b", "xe-0/0/5")
    port.enabled = True
    port.save()
    return data(
        dev
    ), f"{space.switches['b'].name}: interface xe-0/0/5 already exists and is enabled or has cable attached."


def _first_port_cabled(space, dev):
    other = lb.frack_server(space, position=20)
    iface = Interface.objects.create(device=other, name="eno1", type="10gbase-x-sfpp")
    Cable(a_terminations=[iface], b_terminations=[space.port("a", "xe-0/0/5")], status="connected").save()
    Interface.objects.filter(pk=space.port("a", "xe-0/0/5").pk).update(enabled=False)
    return data(
        dev
    ), f"{space.switches['a'].name}: interface xe-0/0/5 already exists and is enabled or has cable attached."


def _other_speed_taken(space, dev):
    Interface.objects.create(device=space.switches["b"], name="ge-0/0/5", type="1000base-t", enabled=True)
    return data(
        dev
    ), f"{space.switches['b'].name}: interface ge-0/0/5 already exists and is enabled or has cable attached."


def _one_switch(space, dev):
    space.switches["b"].status = "planned"
    space.switches["b"].save()
    names = [space.switches["a"].name]
    return data(dev), (
        f"{dev.name}: rack {space.rack} has 1 active fr-tech switches {names}, expected exactly two, members a and b "
        "(the last letter of the second part of their names), aborting."
    )


def _three_switches(space, dev):
    third = lb.tor_switch(space.rack, name=f"fasw2-{space.rack.name.lower()}c-{space.site.slug}", position=40)
    third.tenant = space.tenant
    third.save()
    names = sorted([*[s.name for s in space.switches.values()], third.name])
    return data(dev), (
        f"{dev.name}: rack {space.rack} has 3 active fr-tech switches {names}, expected exactly two, members a and b "
        "(the last letter of the second part of their names), aborting."
    )


def _two_prefixes(space, dev):
    Prefix.objects.create(prefix="2001:db8:fa::/64", vlan=space.vlan, scope=space.location, status="active")
    return data(dev), f"{dev.name}: Vlan {space.vlan} has more than one IP prefix attached."


def _no_prefix(space, dev):
    space.prefix.delete()
    return data(dev), f"{dev.name}: Vlan {space.vlan} has no IP prefix attached."


def _prefix_full(space, dev):
    space.prefix.delete()
    prefix = Prefix.objects.create(prefix="172.25.9.0/30", vlan=space.vlan, scope=space.location, status="active")
    for host in (1, 2):
        IPAddress.objects.create(address=f"172.25.9.{host}/30")
    return data(dev), f"{dev.name}: unable to find an available IP in prefix {prefix}"


def _no_vlan(space, dev):
    return data(dev, vlan_type="payments"), (
        f"{dev.name}: no fr-tech VLAN named frack-payments… at site {space.site}, aborting."
    )


def _no_mgmt_prefix(space, dev):
    space.mgmt_prefix.delete()
    return data(dev), f"{dev.name}: can't find management prefix for site {space.site}."


def _no_rack(space, dev):
    Device.objects.filter(pk=dev.pk).update(rack=None, position=None, face="")
    return data(dev), f"{dev.name}: missing rack information, aborting."


def _interfaces_defined(space, dev):
    Interface.objects.create(device=dev, name="eno1", type="10gbase-x-sfpp")
    return data(dev), f"{dev.name}: interfaces already defined: ['eno1'], skipping."


def _cable_id_taken(space, dev):
    other = lb.frack_server(space, position=20)
    iface = Interface.objects.create(device=other, name="eno1", type="10gbase-x-sfpp")
    Cable(a_terminations=[iface], b_terminations=[space.port("a", "xe-0/0/7")], label="FR-9", status="connected").save()
    return data(dev, cable_id_b="FR-9"), f"Cable ID FR-9 already assigned in {space.site}."


def _not_frtech(space, dev):
    Device.objects.filter(pk=dev.pk).update(tenant=None)
    return data(dev), f"{dev.name}: tenant None, expected fr-tech, skipping."


def _active(space, dev):
    Device.objects.filter(pk=dev.pk).update(status="active")
    return data(dev), f"{dev.name}: status active, expected Inventory or Planned, skipping."


def _port_out_of_range(space, dev):
    return data(
        dev, interface_type="1000base-t", z_port=99
    ), f"{dev.name}: invalid switch port 99, must be between 0 and 47."


@pytest.mark.parametrize(
    "refusal",
    [
        _second_port_taken,
        _first_port_cabled,
        _other_speed_taken,
        _one_switch,
        _three_switches,
        _two_prefixes,
        _no_prefix,
        _prefix_full,
        _no_vlan,
        _no_mgmt_prefix,
        _no_rack,
        _interfaces_defined,
        _cable_id_taken,
        _not_frtech,
        _active,
        _port_out_of_range,
    ],
)
def test_refusals_write_nothing(run_script, refusal):
    space = lb.frack_rack()
    dev = lb.frack_server(space)
    form, message = refusal(space, dev)
    dev.refresh_from_db()
    form["device"] = dev
    before = every_field()
    run = run_script(MODULE, SCRIPT, form, commit=True)
    assert run.job.status == "errored", run.log
    assert run.aborted_with == message, run.log
    assert REVERTED_ON_ERROR in [m for _, m in run.log]
    assert every_field() == before
