"""Parse and check a host's PuppetDB facts (``networking``, ``net_driver``, ``lldp``) into plain records. Pure.

Fact shapes (docs/behaviour-reference.md §2.1): ``networking`` is Facter's structured fact extended by WMF with, per
interface, ``kind``
(vlan, bridge, bond, vxlan, ...), ``parent_link`` (the lower device of a VLAN), ``parent_bridge`` (the bridge an
interface is enslaved to) and ``dot1q`` (the VLAN id). Bond membership uses ``parent_bond`` (same convention); Linux's
own ``master`` key is accepted too when it names an interface of kind ``bond``. ``net_driver`` gives ``speed`` in Mb/s
and ``driver`` per interface; ``lldp`` gives per interface ``neighbor``, ``port``, ``descr``, ``mtu`` and ``router``.
Unknown keys are ignored; a malformed ``networking`` fact raises :class:`FactsError` (nothing is planned).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class FactsError(ValueError):
    """The facts cannot be used to plan anything; the message says which fact and why."""


@dataclass(frozen=True)
class Binding:
    address: str
    netmask: str


@dataclass(frozen=True)
class Lldp:
    neighbor: str
    port: str
    descr: str = ""
    mtu: int | None = None
    router: bool = False


@dataclass(frozen=True)
class InterfaceFacts:
    name: str
    kind: str = ""
    mtu: int | None = None
    mac: str | None = None
    bindings: tuple[Binding, ...] = ()
    bindings6: tuple[Binding, ...] = ()
    parent_link: str | None = None
    parent_bridge: str | None = None
    parent_bond: str | None = None
    dot1q: int | None = None
    speed: int | None = None  # Mb/s from net_driver; None when unknown or the link is down (-1)
    driver: str | None = None
    lldp: Lldp | None = None


@dataclass(frozen=True)
class HostFacts:
    host: str
    fqdn: str
    primary: str | None  # name of the primary interface
    ip: str | None  # the primary IPv4 address
    interfaces: dict[str, InterfaceFacts]  # in fact order
    warnings: tuple[str, ...] = field(default=())


def parse_host_facts(host: str, facts: Mapping[str, Any]) -> HostFacts:
    """Check and normalise the facts of ``host``. Raises FactsError when ``networking`` is unusable."""
    if not isinstance(facts, Mapping):
        raise FactsError(f"{host}: the PuppetDB facts are not an object")
    networking = facts.get("networking")
    if networking is None:
        raise FactsError(f"{host}: PuppetDB has no 'networking' fact for this host")
    if not isinstance(networking, Mapping):
        raise FactsError(f"{host}: the 'networking' fact is not an object")
    raw_interfaces = networking.get("interfaces")
    if not isinstance(raw_interfaces, Mapping) or not raw_interfaces:
        raise FactsError(f"{host}: the 'networking' fact has no 'interfaces' object")

    warnings: list[str] = []
    net_driver = facts.get("net_driver")
    if not isinstance(net_driver, Mapping):
        warnings.append(f"{host}: no usable 'net_driver' fact; using the default type for new interfaces")
        net_driver = {}
    lldp = facts.get("lldp")
    if lldp is None:
        lldp = {}
    elif not isinstance(lldp, Mapping):
        warnings.append(f"{host}: the 'lldp' fact is not an object; cables and switch ports are left alone")
        lldp = {}

    interfaces: dict[str, InterfaceFacts] = {}
    for name, raw in raw_interfaces.items():
        if not isinstance(raw, Mapping):
            raise FactsError(f"{host}: networking.interfaces.{name} is not an object")
        driver = net_driver.get(name) if isinstance(net_driver.get(name), Mapping) else {}
        interfaces[name] = InterfaceFacts(
            name=name,
            kind=_text(raw.get("kind")) or "",
            mtu=_int(host, f"networking.interfaces.{name}.mtu", raw.get("mtu")),
            mac=_mac(raw.get("mac")),
            bindings=_bindings(host, name, raw.get("bindings"), "bindings"),
            bindings6=_bindings(host, name, raw.get("bindings6"), "bindings6"),
            parent_link=_text(raw.get("parent_link")),
            parent_bridge=_text(raw.get("parent_bridge")),
            parent_bond=_text(raw.get("parent_bond")),
            dot1q=_int(host, f"networking.interfaces.{name}.dot1q", raw.get("dot1q")),
            speed=_speed(driver.get("speed")),
            driver=_text(driver.get("driver")),
            lldp=_lldp(lldp.get(name)),
        )
    # Linux's own bonding key: `master: bond0` on a member whose master is a bond.
    for name, raw in raw_interfaces.items():
        master = _text(raw.get("master"))
        if master and not interfaces[name].parent_bond and interfaces.get(master, InterfaceFacts("")).kind == "bond":
            interfaces[name] = _replace(interfaces[name], parent_bond=master)

    primary = _text(networking.get("primary"))
    return HostFacts(
        host=host,
        fqdn=_text(networking.get("fqdn")) or "",
        primary=primary,
        ip=_text(networking.get("ip")),
        interfaces=interfaces,
        warnings=tuple(warnings),
    )


def _replace(facts: InterfaceFacts, **changes: Any) -> InterfaceFacts:
    from dataclasses import replace

    return replace(facts, **changes)


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _int(host: str, where: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FactsError(f"{host}: {where} is not a number: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity (JSON decoding accepts it)
        raise FactsError(f"{host}: {where} is not a number: {value!r}") from None


def _speed(value: Any) -> int | None:
    try:
        speed = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return speed if speed > 0 else None


def _mac(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    mac = value.strip().lower()
    return None if mac.replace(":", "").strip("0") == "" else mac


def _bindings(host: str, name: str, value: Any, key: str) -> tuple[Binding, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FactsError(f"{host}: networking.interfaces.{name}.{key} is not a list")
    bindings = []
    for item in value:
        if not isinstance(item, Mapping) or not item.get("address") or not item.get("netmask"):
            raise FactsError(f"{host}: networking.interfaces.{name}.{key} has an entry without address/netmask")
        bindings.append(Binding(str(item["address"]), str(item["netmask"])))
    return tuple(bindings)


def _lldp(value: Any) -> Lldp | None:
    # The fact also carries non-interface keys (e.g. `parent`, a string): only objects with neighbor+port count.
    if not isinstance(value, Mapping) or not value.get("neighbor") or not value.get("port"):
        return None
    try:
        mtu = int(value["mtu"]) if value.get("mtu") not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        mtu = None
    return Lldp(
        neighbor=str(value["neighbor"]),
        port=str(value["port"]),
        descr=str(value.get("descr") or ""),
        mtu=mtu,
        router=bool(value.get("router")),
    )
