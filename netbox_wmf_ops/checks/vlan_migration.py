"""VLAN migration report rules (docs/behaviour-reference.md §1.9): recent bare-metal servers still addressed from the
row-wide VLANs."""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import Finding, summary, warning

LEGACY_VLANS = ("private1-a-codfw", "private1-b-codfw", "private1-c-codfw", "private1-d-codfw")
SITE = "codfw"
MAX_AGE_DAYS = 5 * 365  # older servers are refreshed rather than migrated
SHOWN_NAMES = 3
FOUR_DIGITS = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Server:
    device: Any  # an active server of the site, with a primary IPv4
    name: str
    primary_ip4: str  # with or without prefix length
    purchase_date: Any  # custom field value as stored: an ISO date string, or None


def is_recent(server: Server, today: datetime.date, max_age_days: int = MAX_AGE_DAYS) -> bool:
    """Bought within ``max_age_days``; servers without a (valid) purchase date are left out."""
    try:
        purchased = datetime.date.fromisoformat(str(server.purchase_date))
    except ValueError:
        return False
    return purchased >= today - datetime.timedelta(days=max_age_days)


def server_group(name: str) -> str | None:
    """``mw2301`` → ``mw``: the name without its 4-digit runs; None for names that have none."""
    group, removed = FOUR_DIGITS.subn("", name)
    return group if removed else None


def check_legacy_vlans(
    servers: Iterable[Server], legacy_prefixes: Sequence[str], today: datetime.date, max_age_days: int = MAX_AGE_DAYS
) -> list[Finding]:
    """Count the recent servers whose primary IPv4 lies in a legacy VLAN prefix, grouped by cluster, largest first."""
    networks = [ipaddress.ip_network(p) for p in legacy_prefixes]
    on_legacy: list[Server] = []
    migrated = 0
    for server in servers:
        if not is_recent(server, today, max_age_days):
            continue
        address = ipaddress.ip_interface(server.primary_ip4).ip
        if any(address in network for network in networks):
            on_legacy.append(server)
        else:
            migrated += 1
    groups: dict[str, list[str]] = defaultdict(list)
    for server in on_legacy:
        group = server_group(server.name)
        if group is not None:
            groups[group].append(server.name)
    findings = (
        [
            warning(
                None,
                f"{len(on_legacy)} baremetal servers still on the legacy vlans",
                rule="vlan_migration.legacy_vlans",
            )
        ]
        if on_legacy
        else []
    )
    for group, names in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        names = sorted(names)
        shown = ", ".join(names[:SHOWN_NAMES]) + ("..." if len(names) > SHOWN_NAMES else "")
        findings.append(Finding("info", None, f"{group}*: {len(names)} servers ({shown})"))
    findings.append(summary(migrated, "baremetal servers off the legacy vlans"))
    return findings
