"""Provisioning rules (docs/behaviour-reference.md §2.4), pure: the VLAN choice and names, DNS names, the mapped
IPv6 address, the provisioning CSV (parsing, per-row checks, rows that clash with each other).

``netbox_wmf_ops.lifecycle.provision`` loads what these rules need and applies the result."""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netbox_wmf_ops import policy

from .refusal import Refused
from .switch_ports import INTERFACE_TYPE_CHOICES, TOR_ROLES

PROVISIONABLE_STATUSES = ("inventory", "planned")
VLAN_TYPES = ("public", "private", "analytics", "cloud-hosts")
POP_VLAN_TYPES = ("public", "private")
MGMT_MAC_REQUIRED_VENDORS = ("supermicro",)
MAC_RE = re.compile(r"^[a-fA-F0-9]{2}(:[a-fA-F0-9]{2}){5}$")
MIN_PORT, MAX_PORT = 0, 48
MGMT_IFACE = "mgmt"
MGMT_PREFIX_ROLE = "management"
CSV_HEADERS = ("device", "z_nbdevice", "vlan", "vlan_type", "z_port", "interface_type", "cable_id")
MGMT_MAC_COLUMN = "mgmt_mac"  # the management interface's MAC (required for Supermicro), optional in the CSV
# fix of docs/behaviour-reference.md §6.4 item 11: the original rows had no mgmt MAC at all
INTERFACE_TYPES = tuple(value for value, _ in INTERFACE_TYPE_CHOICES)


NO_SERVER = "No server given, skipping."


def required_server(data: Mapping[str, Any]) -> Any:
    """The ``device`` of a script's form; refused when missing."""
    device = data.get("device")
    if device is None:
        raise Refused(NO_SERVER)
    return device


def vlan_choice_problem(device: str, vlan_type: str, has_vlan: bool) -> str | None:
    """Exactly one of VLAN type and VLAN must be given (docs/behaviour-reference.md §2.4 step 1)."""
    if not vlan_type and not has_vlan:
        return f"{device}: one parameter between VLAN Type and VLAN must be specified, skipping."
    if vlan_type and has_vlan:
        return f"{device}: only one parameter between VLAN Type and VLAN can be specified, skipping."
    return None


def server_problem(name: str, status: str, racked: bool, role: str, has_primary_ip: bool) -> str | None:
    """The server must be inventory or planned, racked, a server, and without a primary IP yet
    (docs/behaviour-reference.md §2.4 step 2)."""
    if status not in PROVISIONABLE_STATUSES:
        return f"{name}: status {status}, expected Inventory or Planned, skipping."
    if not racked:
        return f"{name}: missing rack information, skipping."
    if role != policy.SERVER_ROLE:
        return f"{name}: role {role}, only servers are supported, skipping."
    # Refused before the generic message of the interfaces would hide it: the form's filter already hides such servers.
    if has_primary_ip:
        return f"{name}: already has a primary IP, skipping."
    return None


def no_tor_message(name: str, rack: str) -> str:
    return (
        f"{name}: Can't find an adequate top-or-rack switch in rack {rack}. please double check or select it manually."
    )


def chosen_switch_problem(name: str, switch: str, same_rack: bool, role: str) -> str | None:
    """A switch chosen in the form must be a top-of-rack switch of the server's rack."""
    if not same_rack:
        return f"{name}: switch {switch} not in same rack as server."
    if role not in TOR_ROLES:
        return f"{name}: switch {switch} with role {role}, only switches are supported, skipping."
    return None


def mgmt_mac_problem(name: str, vendor: str, mac: str) -> str | None:
    """Some vendors' servers need their mgmt MAC given (``MGMT_MAC_REQUIRED_VENDORS``); a given MAC must be well
    formed."""
    if vendor in MGMT_MAC_REQUIRED_VENDORS and not mac:
        return f"The device's vendor, {vendor}, requires to provide the MAC address of the mgmt interface."
    if mac and not MAC_RE.match(mac):
        return f"{name}: invalid mgmt MAC address {mac}, skipping."
    return None


def mgmt_assignment(name: str, interfaces: Sequence[tuple[str, Sequence[str]]]) -> tuple[bool, str | None]:
    """Whether provisioning creates the mgmt interface, and the warning when it does not. ``interfaces`` are the
    device's (name, DNS names of its addresses), by name. A device without interfaces gets one; a device whose only
    interface is an allocated mgmt (one address, with a DNS name) keeps it; any other interface refuses."""
    if not interfaces:
        return True, None
    if len(interfaces) == 1 and interfaces[0][0] == MGMT_IFACE:
        dns_names = interfaces[0][1]
        if len(dns_names) == 1 and dns_names[0]:
            return False, f"{name}: Skipping assignment of MGMT interface because already allocated"
    raise Refused(f"{name}: interfaces already defined: {[iface for iface, _ in interfaces]}, skipping.")


def vlan_row_warnings(
    name: str, vlan: str, rack: str, rack_pk: int, row: str, row_pk: int | None, members: Sequence[tuple]
) -> list[str]:
    """An explicit VLAN must already be present in the server's row (location); its first use in a rack is a warning.
    ``members`` are the (rack pk, row pk, row name) of the racked interfaces already in the VLAN; none means a new
    VLAN, which is accepted silently."""
    if not members:
        return []
    locations = {location_pk: location for _, location_pk, location in members}
    if row_pk not in locations:
        present = "{" + ", ".join(repr(n) for n in sorted(str(n) for n in locations.values())) + "}"
        raise Refused(
            f"{name} is in row {row} but VLAN {vlan} is present only in {present}. Skipping device because of invalid "
            "VLAN."
        )
    if rack_pk not in {rack_id for rack_id, _, _ in members}:
        return [
            f"{name} is the first device in rack {rack} to be added to VLAN {vlan}, unable to automatically verify if "
            "that's correct, please double check."
        ]
    return []


def mgmt_prefix_level(name: str, site: str, levels: Sequence[Sequence[str]]) -> int:
    """Which of ``levels`` holds the management prefix: the candidates scoped to the device's location, to each
    enclosing location outward, then to its site; the first level with exactly one wins. Several at that level, or
    none at any, refuse."""
    for level, found in enumerate(levels):
        if len(found) == 1:
            return level
        if len(found) > 1:
            raise Refused(f"{name}: several management prefixes for site {site}: {sorted(found)}, skipping.")
    raise Refused(f"{name}: can't find management prefix for site {site}.")


def vlan_names(device: str, vlan_type: str, site: str, rack: str, location_slug: str | None) -> tuple[str, str]:
    """(new-style per-rack name, old-style name) of the VLAN of ``vlan_type`` for a server
    (docs/behaviour-reference.md §2.4 step 7)."""
    new = f"{vlan_type}1-{rack.lower()}-{site}"
    if site in policy.CORE_SITES:
        if vlan_type == "cloud-hosts":
            return new, f"cloud-hosts1-{site}"
        row = location_slug.rsplit("-", 1)[-1] if location_slug else ""
        return new, f"{vlan_type}1-{row}-{site}"
    if vlan_type not in POP_VLAN_TYPES:
        raise Refused(f"{device}: VLAN type {vlan_type} not available in site {site}, skipping.")
    return new, f"{vlan_type}1-{site}"


def skip_ipv6_dns(name: str) -> bool:
    """Database-like hosts get no DNS name on their IPv6 address (``policy.NO_IPV6_DNS_PREFIXES``, the list the
    Network report checks against)."""
    return policy.without_ipv6_dns(name)


def dns_suffix(prefix: str, site: str, frack: bool = False) -> str:
    """The DNS domain of a primary address in ``prefix``: private (RFC 1918) ranges are in ``{site}.wmnet``."""
    network = ipaddress.ip_network(prefix, strict=False)
    if network.version == 4 and network.is_private:
        return f"frack.{site}.wmnet" if frack else f"{site}.wmnet"
    return "wikimedia.org"


def mgmt_dns_name(device: str, site: str, frack: bool = False) -> str:
    return f"{device}.mgmt.frack.{site}.wmnet" if frack else f"{device}.mgmt.{site}.wmnet"


def mapped_ipv6(ipv4: str, ipv6_prefix: str) -> str | None:
    """WMF's primary IPv6: the VLAN's IPv6 prefix plus the IPv4 address with dots read as hextets
    (10.192.16.5 in 2620:0:860:103::/64 → 2620:0:860:103:10:192:16:5/64).

    Computed on the address rather than on the prefix text, so it is right however the prefix is written
    (``2001:db8::/64`` too); None when the prefix is longer than /64 (no room for four hextets)."""
    v4 = ipaddress.ip_interface(ipv4).ip
    network = ipaddress.ip_network(ipv6_prefix, strict=False)
    if network.prefixlen > 64:
        return None
    host = 0
    for octet in str(v4).split("."):
        host = (host << 16) | int(octet, 16)
    return f"{network.network_address + host}/{network.prefixlen}"


@dataclass(frozen=True)
class CsvRow:
    line: int  # the row's line number in the file (header = 1)
    device: str
    switch: str
    vlan: str
    vlan_type: str
    z_port: int
    interface_type: str
    cable_id: str
    mgmt_mac: str = ""


def parse_csv(text: str) -> tuple[list[CsvRow], list[tuple[str, str]]]:
    """Parse the provisioning CSV: (rows, [(device, problem)]). A missing header refuses the whole file."""
    if text.startswith("\ufeff"):  # a UTF-8 BOM, as spreadsheet exports write it
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = reader.fieldnames or []
    except csv.Error as exc:
        raise Refused(f"Error parsing row 1: {exc}") from None
    for header in CSV_HEADERS:
        if header not in headers:
            raise Refused(f"CSV header {header} missing, skipping.")
    rows: list[CsvRow] = []
    problems: list[tuple[str, str]] = []
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(("", f"Error parsing row {reader.line_num}: {exc}"))
            continue
        device = (raw.get("device") or "").strip()
        if any(raw.get(h) is None for h in CSV_HEADERS) or None in raw:
            problems.append((device, f"{device}: missing CSV cells, skipping."))
            continue
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        problem = _row_problem(cells)
        if problem:
            problems.append((device, problem))
            continue
        rows.append(
            CsvRow(
                line=reader.line_num,
                device=device,
                switch=cells["z_nbdevice"],
                vlan=cells["vlan"],
                vlan_type=cells["vlan_type"],
                z_port=int(cells["z_port"]),
                interface_type=cells["interface_type"],
                cable_id=cells["cable_id"],
                mgmt_mac=cells.get(MGMT_MAC_COLUMN, ""),
            )
        )
    return rows, problems


def _row_problem(cells: Mapping[str, str]) -> str | None:
    device = cells["device"]
    if not device:
        return "(no device name): missing CSV cells, skipping."
    port = cells["z_port"]
    if not re.fullmatch(r"\d+", port) or not MIN_PORT <= int(port) <= MAX_PORT:
        return f"{device}: invalid switch port {port!r}, must be a number between {MIN_PORT} and {MAX_PORT}, skipping."
    if cells["interface_type"] not in INTERFACE_TYPES:
        return f"{device}: invalid interface type {cells['interface_type']!r}, must be one of {list(INTERFACE_TYPES)}."
    if cells["vlan_type"] and cells["vlan_type"] not in VLAN_TYPES:
        return f"{device}: invalid VLAN type {cells['vlan_type']!r}, must be one of {list(VLAN_TYPES)}."
    mac = cells.get(MGMT_MAC_COLUMN, "")
    if mac and not MAC_RE.match(mac):
        return f"{device}: invalid mgmt MAC address {mac!r}, skipping."
    return None


def csv_conflicts(rows: Iterable[tuple[int, str, str, str, str]]) -> list[tuple[str, str]]:
    """Rows of one CSV that would provision the same thing twice: (device, problem) for each later row.

    ``rows`` are (line, device, switch port as ``switch:port``, site, cable id)."""
    problems = []
    seen_device: dict[str, int] = {}
    seen_port: dict[str, int] = {}
    seen_cable: dict[tuple[str, str], int] = {}
    for line, device, port, site, cable_id in rows:
        if device in seen_device:
            problems.append((device, f"{device}: already provisioned by line {seen_device[device]} of the CSV."))
            continue
        if port in seen_port:
            problems.append((device, f"{device}: switch port {port} already used by line {seen_port[port]} of the CSV"))
            continue
        if cable_id and (site, cable_id) in seen_cable:
            problems.append(
                (device, f"{device}: cable ID {cable_id} already used by line {seen_cable[site, cable_id]} of the CSV.")
            )
            continue
        seen_device[device] = line
        seen_port[port] = line
        if cable_id:
            seen_cable[site, cable_id] = line
    return problems


def read_upload(upload: Any) -> str:
    """The text of an uploaded file (Django's UploadedFile, a file object, bytes or str), decoded as UTF-8."""
    data = upload.read() if hasattr(upload, "read") else upload
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(f"The CSV file is not UTF-8 text: {exc}") from None
    return data or ""
