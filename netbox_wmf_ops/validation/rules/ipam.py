"""``ipam`` rules (docs/behaviour-reference.md §5.5): DNS names of IP addresses, Kubernetes prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ... import policy
from . import RuleError

DNS_LABEL = re.compile(r"(?!-)[A-Z\d-]{1,63}(?<!-)$", re.IGNORECASE)
KUBERNETES_ROLE = "kubernetes"


@dataclass(frozen=True)
class IPAddressRecord:
    dns_name: str
    role: str | None = None  # the IP's own role (vip, anycast, ...), empty for plain addresses
    on_mgmt_interface: bool = False  # assigned to a device interface marked mgmt_only
    device_status: str | None = None  # status of the device it is assigned to (None: not on a device)
    device_role: str | None = None
    device_name: str | None = None
    is_device_primary: bool = False  # it is its device's primary IP of its family (compared by id)


def check_ip_address(ip: IPAddressRecord) -> list[RuleError]:
    dns_name = ip.dns_name or ""
    if not dns_name:
        if ip.on_mgmt_interface and ip.device_status == "active":
            return [
                RuleError(
                    "dns_name",
                    "Invalid DNS name: can't be empty on ACTIVE server's mgmt interface IP",
                    rule="ipaddress.dns_mgmt_empty",
                )
            ]
        return []
    messages: list[tuple[str, str]] = []  # (rule code, message)
    if dns_name.endswith("."):
        messages.append(("ipaddress.dns_trailing_dot", "Invalid DNS name: must not end with a dot"))
        dns_name = dns_name[:-1]  # the other rules look at the name without it (no second error for the dot)
    if "." not in dns_name:
        messages.append(
            ("ipaddress.dns_not_fqdn", "Invalid DNS name: no dot found, it must be an FQDN, not a hostname")
        )
    elif ip.on_mgmt_interface:
        messages.extend(_mgmt_messages(dns_name))
    elif ip.device_role == policy.SERVER_ROLE and not ip.role and ip.is_device_primary:
        # Spec bug fixed: the original compared objects by identity, so this branch never ran.
        messages.extend(_primary_messages(dns_name, ip.device_name or ""))
    if not all(DNS_LABEL.match(label) for label in dns_name.split(".")):
        messages.append(("ipaddress.dns_label", "Invalid DNS name: must be a valid FQDN"))
    return [RuleError("dns_name", message, rule=rule) for rule, message in messages]


def _mgmt_messages(dns_name: str) -> list[tuple[str, str]]:
    labels = dns_name.split(".")
    prefix = "Invalid DNS name: "
    mgmt = "when assigned to a mgmt interface"
    messages = []
    if not 4 <= len(labels) <= 5:
        message = f"{prefix}4 or 5 domain levels are needed {mgmt}, got {len(labels)}"
        messages.append(("ipaddress.dns_mgmt_levels", message))
    if "mgmt" not in labels[-4:-2]:
        message = f"{prefix}'.mgmt.' must be the third or forth subdomain {mgmt}, got {dns_name}"
        messages.append(("ipaddress.dns_mgmt_label", message))
    if labels[-1] != "wmnet":
        messages.append(("ipaddress.dns_mgmt_tld", f"{prefix}it should end with '.wmnet' {mgmt}, got {labels[-1]}"))
    if labels[-2] not in policy.DATACENTERS:
        message = f"{prefix}the second level domain should be a valid DC name {mgmt}, got {labels[-2]}"
        messages.append(("ipaddress.dns_mgmt_site", message))
    return messages


def _primary_messages(dns_name: str, device_name: str) -> list[tuple[str, str]]:
    labels = dns_name.split(".")
    tld, second = labels[-1], labels[-2]
    prefix = "Invalid DNS name: "
    messages = []
    if tld not in ("wmnet", "org"):
        messages.append(
            ("ipaddress.dns_primary_tld", f"{prefix}TLDs should be .wmnet or .org for primary IPs, got {tld}")
        )
    elif tld == "wmnet" and second not in policy.DATACENTERS:
        message = f"{prefix}if ending with .wmnet the second level domain should be a valid DC name, got {second}"
        messages.append(("ipaddress.dns_primary_site", message))
    elif tld == "org" and second != "wikimedia":
        message = f"{prefix}if ending with .org the second level domain should be wikimedia got {second}"
        messages.append(("ipaddress.dns_primary_org", message))
    if device_name not in dns_name:
        message = (
            f"{prefix}if is a primary FQDN it should have the device name as part of the FQDN, "
            f"{device_name} not in {dns_name}"
        )
        messages.append(("ipaddress.dns_primary_name", message))
    return messages


@dataclass(frozen=True)
class PrefixRecord:
    role: str | None  # role slug
    site_id: int | None  # the site of its scope (a site, or a location's site); None for other scopes
    parent: str | None = None  # str() of the closest containing prefix
    parent_role: str | None = None
    parent_site_id: int | None = None
    parent_site: str | None = None  # the name of that site, for the message


def check_prefix(prefix: PrefixRecord) -> list[RuleError]:
    """Prefixes inside a Kubernetes prefix are Kubernetes prefixes of the same site.

    NetBox 4.2 replaced ``Prefix.site`` with a scope: the site is the scope's (a site, or a location's site). The site
    error has no field: the scope is entered through different fields in the edit and import forms."""
    if prefix.parent is None or prefix.parent_role != KUBERNETES_ROLE:
        return []
    errors = []
    if prefix.role != KUBERNETES_ROLE:
        errors.append(
            RuleError(
                "role",
                f"Invalid role: must be '{KUBERNETES_ROLE}' like its parent {prefix.parent}",
                rule="prefix.kubernetes_role",
            )
        )
    if prefix.site_id != prefix.parent_site_id:
        errors.append(
            RuleError(
                None,
                f"Invalid site: must be {prefix.parent_site} like its parent {prefix.parent}",
                rule="prefix.kubernetes_site",
            )
        )
    return errors
