"""The switch side of a cable (docs/behaviour-reference.md §2.0 `_create_z_nbiface`): the switch port LLDP names
exists, with the switch MTU, before a cable ends on it; on a Juniper switch, the other-speed names a speed change left
behind go first, unless they still carry a cable or an IP."""

from __future__ import annotations

import re

from ..facts import Lldp
from .changes import Change
from .draft import Draft
from .interfaces import DEFAULT_TYPE
from .records import InterfaceRecord, PortRef, SwitchRecord
from .removals import REMOVAL_GUARD_DOC

SWITCH_PORT_PREFIXES = ("et-", "xe-", "ge-", "ethernet-")
SWITCH_PORT_MTU = 9192
LLDP_DEFAULT_MTU = 1514  # what a switch advertises when jumbo frames are off: not worth copying
SWITCH_PREFIX_TYPES = {"xe-": "10gbase-x-sfpp", "et-": "25gbase-x-sfp28"}


def switch_port_type(name: str) -> str:
    return SWITCH_PREFIX_TYPES.get(name[:3], DEFAULT_TYPE)


def orphan_ports(switch: SwitchRecord, port: str) -> list[InterfaceRecord]:
    """Other-speed names of the same port (``ge-0/0/5`` when creating ``xe-0/0/5``), left by a speed change."""
    port_num = port.split("-", 1)[1] if "-" in port else port
    pattern = re.compile(rf"^(et-|xe-|ge-|ethernet-){re.escape(port_num)}$", re.IGNORECASE)
    return [i for n, i in switch.interfaces.items() if n != port and pattern.match(n)]


def ensure_switch_port(draft: Draft, switch: SwitchRecord, lldp: Lldp) -> bool:
    """Plan what makes ``lldp.port`` exist on ``switch`` with an MTU; False when an orphan port blocks it."""
    port = PortRef(switch.name, lldp.port)
    if port in draft.created_switch_ports:
        return True
    existing = switch.interfaces.get(lldp.port)
    if existing is not None:
        if existing.mtu is None and port not in draft.switch_mtu:
            draft.switch_mtu[port] = SWITCH_PORT_MTU
            draft.change(
                Change(
                    "update",
                    "interface",
                    port,
                    {"mtu": SWITCH_PORT_MTU},
                    f"Updated {switch.name} {lldp.port} MTU to {SWITCH_PORT_MTU}",
                    before={"mtu": None},
                )
            )
        return True
    if switch.manufacturer == "juniper":
        for orphan in orphan_ports(switch, lldp.port):
            if orphan.cable_id is not None or switch.interface_ip_counts.get(orphan.name):
                draft.log(
                    "failure",
                    f"{switch.name}: We need to remove interface {orphan.name}, before creating {lldp.port}, "
                    f"however it still has a cable or IP address attached. See {REMOVAL_GUARD_DOC}",
                )
                return False
            draft.change(
                Change(
                    "delete",
                    "interface",
                    PortRef(switch.name, orphan.name),
                    {},
                    f"{switch.name}: deleted orphan interface {orphan.name}",
                    "success",
                )
            )
    mtu = lldp.mtu if lldp.mtu and lldp.mtu != LLDP_DEFAULT_MTU else SWITCH_PORT_MTU
    port_type = switch_port_type(lldp.port)
    draft.created_switch_ports[port] = port_type
    draft.change(
        Change(
            "create",
            "interface",
            port,
            {"owner_kind": "device", "type": port_type, "mtu": mtu, "mgmt_only": False},
            f"{switch.name}: created interface {lldp.port}",
            "success",
        )
    )
    return True
