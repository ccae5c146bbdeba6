"""Plain NetBox-state records for the planning tests: a small eqiad-like IPAM, its switches, and the host states the
scenarios start from (as provisioning leaves a host, after its first import)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dev.puppetdb_harness import load_fixture
from netbox_wmf_ops.puppetdb.facts import HostFacts, parse_host_facts
from netbox_wmf_ops.puppetdb.planning import records
from netbox_wmf_ops.puppetdb.planning.changes import Change, Plan
from netbox_wmf_ops.puppetdb.planning.host import plan_host
from netbox_wmf_ops.puppetdb.planning.records import (
    CableRecord,
    HostState,
    PortRef,
    PrefixRecord,
    SwitchRecord,
    VlanRecord,
)

VLAN_PRIVATE_C = VlanRecord(16, 1018, "private1-c-eqiad")
VLAN_PRIVATE_A = VlanRecord(32, 1017, "private1-a-eqiad")
VLAN_PUBLIC_A = VlanRecord(4, 1004, "public1-a-eqiad")
VLAN_PRIVATE_E = VlanRecord(48, 1030, "private1-e-eqiad")

PREFIXES = (
    PrefixRecord("10.0.0.0/8"),
    PrefixRecord("10.64.16.0/22", vlan_id=VLAN_PRIVATE_C.id),
    PrefixRecord("2620:0:861:102::/64", vlan_id=VLAN_PRIVATE_C.id),
    PrefixRecord("10.64.32.0/22", vlan_id=VLAN_PRIVATE_A.id),
    PrefixRecord("2620:0:861:103::/64", vlan_id=VLAN_PRIVATE_A.id),
    PrefixRecord("10.64.48.0/22", vlan_id=VLAN_PRIVATE_E.id),
    PrefixRecord("2620:0:861:107::/64", vlan_id=VLAN_PRIVATE_E.id),
    PrefixRecord("10.64.0.0/22"),
    PrefixRecord("2620:0:861:101::/64"),
    PrefixRecord("208.80.154.0/26", vlan_id=VLAN_PUBLIC_A.id),
    PrefixRecord("2620:0:861:1::/64", vlan_id=VLAN_PUBLIC_A.id),
    PrefixRecord("208.80.154.224/27"),
    PrefixRecord("10.3.0.0/24"),
    PrefixRecord("10.66.0.0/22", role="virtual-machines"),
)
VLANS = (VLAN_PRIVATE_C, VLAN_PRIVATE_A, VLAN_PUBLIC_A, VLAN_PRIVATE_E)


def switch(name: str, ports: dict[str, dict[str, Any]] | None = None, **fields: Any) -> SwitchRecord:
    interfaces = {}
    for i, (port, attrs) in enumerate((ports or {}).items()):
        interfaces[port] = records.InterfaceRecord(id=9000 + i + hash(name) % 1000 * 100, name=port, **attrs)
    return SwitchRecord(name=name, manufacturer=fields.pop("manufacturer", "juniper"), interfaces=interfaces, **fields)


def default_switches(**ports: dict[str, dict[str, Any]]) -> tuple[SwitchRecord, ...]:
    """asw2-c-eqiad (a virtual chassis, member 4 = asw2-c4-eqiad), asw2-a-eqiad, asw2-b-eqiad, lsw1-e1/e2-eqiad."""
    return (
        switch(
            "asw2-c4-eqiad",
            ports.get("asw2-c4-eqiad", {"xe-4/0/12": {"type": "10gbase-x-sfpp", "mtu": 9192}}),
            vc_domain="asw2-c-eqiad.mgmt.eqiad.wmnet",
            vc_position=4,
        ),
        switch("asw2-a-eqiad", ports.get("asw2-a-eqiad", {"xe-2/0/7": {"type": "10gbase-x-sfpp", "mtu": 9192}})),
        switch("asw2-b-eqiad", ports.get("asw2-b-eqiad", {"ge-5/0/3": {"type": "1000base-t"}})),
        switch("lsw1-e1-eqiad", ports.get("lsw1-e1-eqiad", {})),
        switch("lsw1-e2-eqiad", ports.get("lsw1-e2-eqiad", {})),
    )


def state(name: str, **fields: Any) -> HostState:
    fields.setdefault("kind", "device")
    fields.setdefault("status", "active")
    fields.setdefault("prefixes", PREFIXES)
    fields.setdefault("vlans", VLANS)
    fields.setdefault("switches", default_switches())
    return HostState(name=name, **fields)


def iface(id: int, name: str, **fields: Any) -> records.InterfaceRecord:
    return records.InterfaceRecord(id=id, name=name, **fields)


def ip(id: int, address: str, **fields: Any) -> records.IpRecord:
    return records.IpRecord(id=id, address=address, **fields)


def facts(fixture: str, host: str | None = None, mutate=None) -> HostFacts:
    certname, raw = load_fixture(fixture, host)
    if mutate is not None:
        mutate(raw)
    return parse_host_facts(certname.split(".")[0], raw)


def plan(fixture: str, st: HostState, mutate=None) -> Plan:
    return plan_host(facts(fixture, st.name if st.name != _fixture_host(fixture) else None, mutate), st)


def _fixture_host(fixture: str) -> str:
    return load_fixture(fixture)[0].split(".")[0]


def changes(p: Plan, model: str | None = None, action: str | None = None) -> list[Change]:
    return [c for c in p.changes if (model is None or c.model == model) and (action is None or c.action == action)]


def one(items: list) -> Any:
    assert len(items) == 1, items
    return items[0]


def by_key(p: Plan, model: str, key: Any, action: str | None = None) -> list[Change]:
    return [c for c in changes(p, model, action) if c.key == key]


# --------------------------------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------------------------------


GUARD = (
    "{host}: We want to remove interface {name}, however it still has a cable or IP address associated with it. "
    "See docs/scripts.md#removal-guard"
)


def provisioned_single_nic(**overrides) -> HostState:
    """What provisioning (ProvisionServerNetwork) leaves: ##PRIMARY## cabled to its switch port, IPs reserved."""
    fields = dict(
        interfaces={
            "##PRIMARY##": iface(
                1, "##PRIMARY##", type="1000base-t", cable_id=500, connected=vc_port(), ip_ids=(11, 12)
            ),
            "mgmt": iface(2, "mgmt", type="1000base-t", mgmt_only=True, ip_ids=(13,)),
        },
        ips=(
            ip(
                11,
                "10.64.16.20/22",
                dns_name="db1201.eqiad.wmnet",
                description="reserved for infra",
                **assigned_to("##PRIMARY##"),
            ),
            ip(12, "2620:0:861:102:10:64:16:20/64", dns_name="db1201.eqiad.wmnet", **assigned_to("##PRIMARY##")),
        ),
        cables={500: CableRecord(500, "230403", "111111", "dac-passive")},
        primary_ip4="10.64.16.20/22",
        primary_ip6="2620:0:861:102:10:64:16:20/64",
    )
    fields.update(overrides)
    return state("db1201", **fields)


def vc_port(port: str = "xe-4/0/12") -> PortRef:
    return PortRef("asw2-c4-eqiad", port)


def assigned_to(name: str, host: str = "db1201") -> dict:
    return {"assigned": PortRef(host, name), "assigned_kind": "device"}


def after_first_import() -> HostState:
    """NetBox after applying the provisioned host's first import."""
    return provisioned_single_nic(
        interfaces={
            "eno1np0": iface(
                1,
                "eno1np0",
                type="10gbase-x-sfpp",
                mac="b4:96:91:5a:10:20",
                cable_id=500,
                connected=vc_port(),
                ip_ids=(11, 12),
            ),
            "eno2np1": iface(3, "eno2np1", type="1000base-t", mac="b4:96:91:5a:10:21"),
            "mgmt": iface(2, "mgmt", type="1000base-t", mgmt_only=True, ip_ids=(13,)),
        },
        ips=(
            ip(11, "10.64.16.20/22", dns_name="db1201.eqiad.wmnet", **assigned_to("eno1np0")),
            ip(12, "2620:0:861:102:10:64:16:20/64", dns_name="db1201.eqiad.wmnet", **assigned_to("eno1np0")),
        ),
    )


def fast_ports(*names: str, **attrs) -> dict:
    return {n: {"type": "10gbase-x-sfpp", "mtu": 9192, **attrs} for n in names}


def ganeti_provisioned() -> HostState:
    return state(
        "ganeti1030",
        interfaces={
            "##PRIMARY##": iface(
                1, "##PRIMARY##", type="10gbase-x-sfpp", cable_id=600, connected=PortRef("asw2-a-eqiad", "xe-2/0/7")
            )
        },
        ips=(ip(31, "10.64.32.14/22", dns_name="ganeti1030.eqiad.wmnet", **assigned_to("##PRIMARY##", "ganeti1030")),),
        cables={600: CableRecord(600, "230777", "111111", "dac-passive")},
    )


__all__ = [
    "CableRecord",
    "HostState",
    "PortRef",
    "by_key",
    "changes",
    "default_switches",
    "facts",
    "iface",
    "ip",
    "one",
    "plan",
    "replace",
    "state",
    "switch",
]
