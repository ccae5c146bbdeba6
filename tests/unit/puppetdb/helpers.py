"""Plain NetBox-state records for the plan tests: a small eqiad-like IPAM and two switches."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dev.puppetdb_harness import load_fixture
from netbox_wmf_ops.puppetdb.facts import HostFacts, parse_host_facts
from netbox_wmf_ops.puppetdb.plan import (
    CableRecord,
    Change,
    HostState,
    InterfaceRecord,
    IpRecord,
    Plan,
    PortRef,
    PrefixRecord,
    SwitchRecord,
    VlanRecord,
    plan_host,
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
        interfaces[port] = InterfaceRecord(id=9000 + i + hash(name) % 1000 * 100, name=port, **attrs)
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


def iface(id: int, name: str, **fields: Any) -> InterfaceRecord:
    return InterfaceRecord(id=id, name=name, **fields)


def ip(id: int, address: str, **fields: Any) -> IpRecord:
    return IpRecord(id=id, address=address, **fields)


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


__all__ = [
    "CableRecord",
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
