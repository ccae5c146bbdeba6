"""Fundraising (fr-tech) provisioning rules (docs/behaviour-reference.md §2.5), pure: the two switch members and their
letters, the server's member interface names, the VLAN name, the same port at other speeds.

``netbox_wmf_ops.lifecycle.provision_frack`` loads what these rules need and applies the result."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
