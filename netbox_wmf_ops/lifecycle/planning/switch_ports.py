"""Switch-port and cable rules shared by the lifecycle scripts (docs/behaviour-reference.md §2.0): port naming per
vendor, the ports a speed change leaves behind, cable colour and type, the reset type of a Nokia port.

Messages follow the spec verbatim; the spec bugs fixed here (docs/behaviour-reference.md §6.4 items 9 and 10) are
listed in docs/provisioning-scripts.md."""

from __future__ import annotations

import re
from collections.abc import Iterable

from netbox_wmf_ops.puppetdb.planning.cabling import CABLE_COLORS, FAST_TYPES
from netbox_wmf_ops.puppetdb.planning.interfaces import PRIMARY_PLACEHOLDER
from netbox_wmf_ops.puppetdb.planning.switch_ports import SWITCH_PORT_PREFIXES

from .refusal import Refused

PRIMARY_IFACE_NAME = PRIMARY_PLACEHOLDER  # "##PRIMARY##", the server uplink before the first PuppetDB import
SWITCH_INTERFACES_PREFIX_ALLOWLIST = SWITCH_PORT_PREFIXES  # et-, xe-, ge-, ethernet-
# top-of-rack switch roles, by slug (never by primary key: docs/behaviour-reference.md §6.4 item 10)
TOR_ROLES = ("asw", "cloudsw")
SPINE_NAME_PREFIX = "ssw"

# The interface types a server uplink may have, as offered by the provisioning scripts.
INTERFACE_TYPE_CHOICES = (("1000base-t", "1G"), ("10gbase-x-sfpp", "10G"), ("25gbase-x-sfp28", "25G"))
JUNIPER_TYPE_PREFIX = {"1000base-t": "ge-", "10gbase-x-sfpp": "xe-", "25gbase-x-sfp28": "et-"}
ONE_G_ONLY_DEVICE_TYPES = frozenset({"ex4300-48t"})
NOKIA_25G_DEVICE_TYPE = "7220-ixr-d2l"  # ports 1-48 are 25G SFP28, the rest 100G
NOKIA_25G_LAST_PORT = 48
BLUE, BLACK = "2196f3", "111111"


def port_to_iface(port: int, iface_type: str, *, vendor: str, device_type: str, vc_position: int | None = None) -> str:
    """The name of switch port number ``port`` for an uplink of ``iface_type`` (docs/behaviour-reference.md §2.0
    ``port_to_iface``).

    ``vendor`` is the manufacturer slug, ``device_type`` the device-type slug, ``vc_position`` the switch's
    virtual-chassis position (None when it is not a member)."""
    if device_type in ONE_G_ONLY_DEVICE_TYPES and iface_type != "1000base-t":
        raise Refused("Switch is 1G only, interface type must be 1G")
    if vendor == "juniper":
        if iface_type not in JUNIPER_TYPE_PREFIX:
            raise Refused(f"Unsupported interface type {iface_type} for a Juniper switch (must be 1G, 10G or 25G)")
        fpc = vc_position if vc_position is not None else 0
        return f"{JUNIPER_TYPE_PREFIX[iface_type]}{fpc}/0/{port}"
    if vendor == "nokia":
        return f"ethernet-1/{port}"
    raise Refused("Unsupported switch vendor (must be Nokia or Juniper)")


def is_allowed_switch_port(name: str) -> bool:
    return name.startswith(SWITCH_INTERFACES_PREFIX_ALLOWLIST)


def orphan_port_names(existing: Iterable[str], new_name: str) -> list[str]:
    """Other-speed names of the port ``new_name`` (``ge-0/0/5`` when creating ``xe-0/0/5``), left by a speed change.

    Matches the whole port number case-insensitively, so port 5 never matches 15 (compare
    docs/behaviour-reference.md §6.4 item 14)."""
    port_num = new_name.split("-", 1)[1] if "-" in new_name else new_name
    pattern = re.compile(rf"^(et-|xe-|ge-|ethernet-){re.escape(port_num)}$", re.IGNORECASE)
    return [name for name in existing if name != new_name and pattern.match(name)]


def cable_defaults(a_type: str | None, color: str = "", cable_type: str = "") -> tuple[str, str, bool]:
    """(color, cable type, whether the colour was assumed) for a new server cable (docs/behaviour-reference.md §2.0
    ``_create_cable``).

    Fix of docs/behaviour-reference.md §6.4 item 9: the colour follows the A-side speed (black for 10G/25G DACs, blue
    for 1G copper) instead of always blue, and the caller logs the "assuming" warning once the type is known."""
    fast = a_type in FAST_TYPES
    assumed = not color
    color = color or (BLACK if fast else BLUE)
    cable_type = cable_type or ("dac-passive" if fast else "cat5e")
    return color, cable_type, assumed


def color_name(color: str) -> str:
    return CABLE_COLORS.get(color, color)


def nokia_port_reset_type(device_type: str, iface_name: str) -> str | None:
    """The type a reset Nokia 7220 IXR-D2L port goes back to (25G SFP28 for ports 1-48), else None."""
    if device_type != NOKIA_25G_DEVICE_TYPE:
        return None
    last = iface_name.rsplit("/", 1)[-1]
    if last.isdigit() and int(last) <= NOKIA_25G_LAST_PORT:
        return "25gbase-x-sfp28"
    return None
