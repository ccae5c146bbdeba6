"""Move rules (docs/behaviour-reference.md §2.6), pure: the port name a moved uplink takes on its new switch, and the
virtual-chassis check of a chosen port.

``netbox_wmf_ops.lifecycle.move`` loads what these rules need and applies the result."""

from __future__ import annotations

import re

from .switch_ports import JUNIPER_TYPE_PREFIX, SWITCH_INTERFACES_PREFIX_ALLOWLIST, TOR_ROLES

NEW_SWITCH_STATUSES = ("active", "staged")
UPLINK_SWITCH_STATUSES = ("active", "staged", "planned")
POSITION_CHOICES = tuple((str(u), str(u)) for u in range(48))  # "0".."47", as the original offered them
VENDORS = ("juniper", "nokia")


def vc_port_problem(device: str, z_iface: str, switch: str, vc_position: int | None) -> str | None:
    """On a virtual-chassis member, the FPC number of the port (``xe-2/0/5`` → 2) must be the member's position."""
    if vc_position is None:
        return None
    match = re.match(r"^[^-]+-(\d+)/", z_iface)
    if match is None or int(match.group(1)) != vc_position:
        return (
            f"{device}: Interface name {z_iface} invalid, first digit of port number should be {vc_position}, "
            f"matching {switch} virtual-chassis postition."
        )
    return None


def uplink_switch_problem(switch: str | None, role: str, status: str, racked: bool) -> str | None:
    """MoveServersUplinks' new switch must be given, a top-of-rack switch in one of ``UPLINK_SWITCH_STATUSES``, and
    racked."""
    if switch is None:
        return "No new switch given, skipping."
    if role not in TOR_ROLES or status not in UPLINK_SWITCH_STATUSES:
        return (
            f"{switch}: role {role} and status {status}, expected a top-of-rack "
            f"switch ({', '.join(TOR_ROLES)}) that is {', '.join(UPLINK_SWITCH_STATUSES)}."
        )
    if not racked:
        return f"{switch}: not in a rack, skipping."
    return None


def allowed_prefixes_text() -> str:
    return " or ".join(SWITCH_INTERFACES_PREFIX_ALLOWLIST)


def uplink_port_name(old_name: str, old_type: str, old_vendor: str, new_vendor: str, new_fpc: int | None) -> str:
    """The name on the new switch of the port that replaces ``old_name`` (docs/behaviour-reference.md §2.6
    ``move_server_uplink`` step 4).

    Juniper numbers ports from 0, Nokia from 1. Raises ValueError with the reason when there is no such name.
    Decision: Juniper → Juniper keeps the port number and type prefix but takes the new switch's FPC (its
    virtual-chassis position, 0 when standalone), where the original kept the old name verbatim (wrong when one of
    the two switches is a virtual-chassis member)."""
    if old_vendor not in VENDORS or new_vendor not in VENDORS:
        raise ValueError("unsupported switch vendor (must be Nokia or Juniper)")
    match = re.match(r"^(?P<prefix>[a-z]+-)(?P<fpc>\d+)/(?:\d+/)*(?P<port>\d+)$", old_name)
    if match is None:
        raise ValueError(f"cannot read the port number of {old_name}")
    port = int(match.group("port"))
    if old_vendor == new_vendor == "nokia":
        return old_name
    if new_vendor == "nokia":
        return f"ethernet-1/{port + 1}"
    fpc = new_fpc or 0
    if old_vendor == "juniper":
        return f"{match.group('prefix')}{fpc}/0/{port}"
    if old_type not in JUNIPER_TYPE_PREFIX:
        raise ValueError(f"no Juniper name for a {old_type} port")
    if port < 1:
        raise ValueError(f"Nokia port {old_name} has no Juniper equivalent")
    return f"{JUNIPER_TYPE_PREFIX[old_type]}{fpc}/0/{port - 1}"
