"""Fundraising (fr-tech) provisioning rules (docs/behaviour-reference.md §2.5), pure: the two switch members and their
letters, the server's member interface names, the VLAN name, the same port at other speeds.

``netbox_wmf_ops.lifecycle.provision_frack`` loads what these rules need and applies the result."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from netbox_wmf_ops import policy

from .provision import PROVISIONABLE_STATUSES
from .refusal import Refused

FRACK_VLAN_TYPES = ("fundraising", "administration", "payments", "listenerdmz", "bastion")
FRACK_SWITCH_ROLE = "asw"
FRACK_MEMBERS = ("a", "b")
BOND_IFACE = "bond0"
MEMBER_DESCRIPTION = "dummy interface name"
MIN_PORT, MAX_PORT = 0, 47  # the same port number is used on both switches
SWITCH_PORT_NAME_RE = re.compile(r"^(?:et|xe|ge|ethernet)-(?P<port>.+)$", re.IGNORECASE)


def member_letter(switch_name: str) -> str | None:
    """The member letter of a fr-tech switch: the last character of the second ``-`` component of its name
    (``fasw2-c1a-eqiad`` → ``a``); None when the name has no second component."""
    parts = switch_name.split("-")
    if len(parts) < 2 or not parts[1]:
        return None
    return parts[1][-1].lower()


def member_iface_name(letter: str) -> str:
    """The server interface cabled to switch member ``letter``: ``PRIMARY_A`` / ``PRIMARY_B``."""
    return f"PRIMARY_{letter.upper()}"


def vlan_name_prefix(vlan_type: str) -> str:
    return f"frack-{vlan_type}"


def same_port_names(existing: Iterable[str], port_name: str) -> list[str]:
    """The names among ``existing`` that are switch port ``port_name`` at any speed (``ge-0/0/5``, ``xe-0/0/5``,
    ``et-0/0/5``, and ``port_name`` itself), matching the whole port number.

    Fix of the original, which took every interface whose name *ends* with the port number (port 5 also removed
    15, 25, ...)."""
    match = SWITCH_PORT_NAME_RE.match(port_name)
    suffix = match.group("port") if match else port_name
    names = []
    for name in existing:
        other = SWITCH_PORT_NAME_RE.match(name)
        if name == port_name or (other is not None and other.group("port").lower() == suffix.lower()):
            names.append(name)
    return names


def switches_problem(device: str, rack: str, switches: list[tuple[str, str | None]]) -> str | None:
    """Exactly two active fr-tech switches, one member ``a`` and one ``b``; ``switches`` are (name, letter)."""
    letters = sorted(letter or "?" for _, letter in switches)
    if len(switches) == 2 and letters == list(FRACK_MEMBERS):
        return None
    names = sorted(name for name, _ in switches)
    return (
        f"{device}: rack {rack} has {len(switches)} active fr-tech switches {names}, expected exactly two, members "
        "a and b (the last letter of the second part of their names), aborting."
    )


def server_problem(
    name: str,
    *,
    role: str,
    tenant_slug: str | None,
    tenant: str,
    status: str,
    has_primary_ip: bool,
    vlan_type: str,
    z_port: int,
    racked: bool,
) -> str | None:
    """The inputs of a fr-tech provisioning, in the original's order: a server of the fr-tech tenant, inventory or
    planned, without a primary IP, a fr-tech VLAN type, a port both switches have, racked. The form only offers such
    servers; the REST API and the script proxy do not filter."""
    if role != policy.SERVER_ROLE:
        return f"{name}: role {role}, only servers are supported, skipping."
    if tenant_slug != policy.FRTECH_TENANT:
        return f"{name}: tenant {tenant}, expected {policy.FRTECH_TENANT}, skipping."
    if status not in PROVISIONABLE_STATUSES:
        return f"{name}: status {status}, expected Inventory or Planned, skipping."
    if has_primary_ip:
        return f"{name}: already has a primary IP, skipping."
    if vlan_type not in FRACK_VLAN_TYPES:
        return f"{name}: invalid VLAN type {vlan_type!r}, must be one of {list(FRACK_VLAN_TYPES)}."
    if not MIN_PORT <= z_port <= MAX_PORT:
        return f"{name}: invalid switch port {z_port}, must be between {MIN_PORT} and {MAX_PORT}."
    if not racked:
        return f"{name}: missing rack information, aborting."
    return None


def vlan_problem(name: str, start: str, site: str, vlans: Sequence[str]) -> str | None:
    """Exactly one fr-tech VLAN at the site may be named ``start``… (``vlans``: the names found)."""
    if not vlans:
        return f"{name}: no {policy.FRTECH_TENANT} VLAN named {start}… at site {site}, aborting."
    if len(vlans) > 1:
        return f"{name}: several {policy.FRTECH_TENANT} VLANs named {start}… at site {site}: {list(vlans)}, aborting."
    return None


def prefix_problem(name: str, vlan: str, families: Sequence[int]) -> str | None:
    """The VLAN must carry exactly one prefix, an IPv4 one (``families``: the IP versions of its prefixes)."""
    if len(families) > 1:
        return f"{name}: Vlan {vlan} has more than one IP prefix attached."
    if not families:
        return f"{name}: Vlan {vlan} has no IP prefix attached."
    if families[0] != 4:
        return f"{name}: Vlan {vlan} has no IPv4 prefix attached."
    return None


def mgmt_prefix_problem(name: str, site: str, prefixes: Sequence[str]) -> str | None:
    """Exactly one active prefix in the site's fr-tech management VLAN (``prefixes``: those found, in order)."""
    if not prefixes:
        return f"{name}: can't find management prefix for site {site}."
    if len(prefixes) > 1:
        return f"{name}: several management prefixes for site {site}: {list(prefixes)}, skipping."
    return None


def stale_ports(switch: str, port_name: str, in_use: Mapping[str, bool]) -> list[str]:
    """The switch's interfaces that are port ``port_name`` at any speed, to delete before it is created (by name);
    ``in_use`` maps each interface of the switch to whether it is enabled, cabled or addressed. One in use means the
    port is taken: refused."""
    stale = sorted(same_port_names(in_use, port_name))
    for port in stale:
        if in_use[port]:
            raise Refused(f"{switch}: interface {port} already exists and is enabled or has cable attached.")
    return stale


def cable_ids_problem(name: str, cable_ids: Sequence[str]) -> str | None:
    """The two uplinks' cable IDs, when given, must differ."""
    ids = [cable_id for cable_id in cable_ids if cable_id]
    if len(ids) != len(set(ids)):
        return f"{name}: the two cable IDs must differ ({ids[0]})."
    return None
