"""Move rules (docs/behaviour-reference.md §2.6), pure: the port name a moved uplink takes on its new switch, and the
virtual-chassis check of a chosen port.

``netbox_wmf_ops.lifecycle.move`` loads what these rules need and applies the result."""

from __future__ import annotations

import re

from netbox_wmf_ops import policy

from .refusal import Refused, refuse_if
from .switch_ports import JUNIPER_TYPE_PREFIX, SWITCH_INTERFACES_PREFIX_ALLOWLIST, TOR_ROLES, is_allowed_switch_port

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


def move_server_unit(
    name: str,
    *,
    switch: str | None,
    z_iface: str,
    switch_status: str,
    position: str | int | None,
    role: str,
    switch_role: str,
    vc_position: int | None,
) -> int:
    """MoveServer's inputs, in the spec's order (docs/behaviour-reference.md §2.6): a new switch and port, a switch
    active or staged, a rack unit other than 0, a server, a top-of-rack switch, a switch-port name of the allowed
    kinds and, on a virtual-chassis member, of its FPC. Returns the rack unit; refuses the first wrong input."""
    if switch is None or not z_iface:
        raise Refused(f"{name}: New switch or switch interface missing, skipping.")
    if switch_status not in NEW_SWITCH_STATUSES:
        raise Refused(f"{name}: switch {switch} with status {switch_status}, expected Active or Staged, skipping.")
    try:
        unit = int(position) if position not in (None, "") else 0
    except (TypeError, ValueError):
        raise Refused(f"{name}: invalid rack unit {position}, skipping.") from None
    if unit == 0:
        raise Refused(f"{name}: Rack unit can't be 0, skipping.")
    if role != policy.SERVER_ROLE:
        raise Refused(f"{name}: role {role}, only servers are supported, skipping.")
    if switch_role not in TOR_ROLES:
        raise Refused(f"{name}: switch {switch} with role {switch_role}, only switches are supported, skipping.")
    if not is_allowed_switch_port(z_iface):
        raise Refused(f"{name}: Switch interface {z_iface} invalid, must start with {allowed_prefixes_text()}.")
    refuse_if(vc_port_problem(name, z_iface, switch, vc_position))
    return unit


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
