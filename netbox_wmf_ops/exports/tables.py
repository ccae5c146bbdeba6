"""The exportable tables (the dump's table list, docs/behaviour-reference.md §4.1, with NetBox 4.7 models) and how cells
become CSV text.

Pure: no Django import. The ORM side (``exports/loader.py``) turns a ``TableSpec`` into rows with ``values()``.

A table's columns are, by default, every plain column of its model (foreign keys as ids, choice fields as their
stored value, internal ``_cache`` columns left out), plus ``tags`` and the other many-to-many relations as lists of
ids, plus one ``cf_<name>`` column per custom field defined for the model (custom fields flattened). ``columns``
adds or overrides columns by header with a ``values()`` lookup; ``exclude`` removes headers. The header row is the
sorted list of headers and rows are sorted by ``order_by`` (name then id when the model has a name, else id), so two
dumps diff cleanly (as the original's did).
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROWS = "rows"
CUSTOM_FIELDS = "custom_fields"  # one row per object that has custom field data: parent_id + the flattened fields


@dataclass(frozen=True)
class Column:
    header: str
    lookup: str  # a values() path, e.g. "site__slug"
    display: bool = False  # write the choice label ("Active") instead of the stored value ("active")


@dataclass(frozen=True)
class TableSpec:
    name: str  # the file stem and URL name, e.g. "dcim.devices" (the original dump's names)
    model: str  # the NetBox 4.7 model label, e.g. "dcim.Device"
    kind: str = ROWS
    columns: tuple[Column, ...] = ()
    exclude: tuple[str, ...] = ()
    all_fields: bool = True  # start from every plain column of the model
    order_by: tuple[str, ...] | None = None  # None: ("name", "id") when the model has a name, else ("id",)
    description: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def _table(name: str, model: str, description: str = "", **kwargs: Any) -> TableSpec:
    return TableSpec(name=name, model=model, description=description, **kwargs)


# devices_full: the device table made readable, as the original built it (slugs and labels instead of ids, rack
# placement and hardware facts inline). The original wrote the custom fields as one Python dict repr column; here they
# are flattened into cf_<name> columns like everywhere else.
DEVICES_FULL_COLUMNS = (
    Column("site", "site__slug"),
    Column("tenant", "tenant__slug"),
    Column("device_type", "device_type__slug"),
    Column("status", "status", display=True),
    Column("platform", "platform__slug"),
    Column("device_role", "role__slug"),
    Column("device_manufacturer", "device_type__manufacturer__slug"),
    Column("device_height", "device_type__u_height"),
    Column("location", "location__slug"),
    Column("rack_site", "rack__site__slug"),
    Column("rack_name", "rack__name"),
    Column("rack_face", "face", display=True),
    Column("rack_position", "position"),
)

TABLES: tuple[TableSpec, ...] = (
    _table("dcim.sites", "dcim.Site"),
    _table("dcim.regions", "dcim.Region"),
    _table("tenancy.tenants", "tenancy.Tenant"),
    _table("dcim.locations", "dcim.Location", "Rack groups became locations in NetBox 2.11."),
    _table("dcim.rack_groups", "dcim.RackGroup", "The rack group of NetBox 4.7 (a flat grouping of racks)."),
    _table("dcim.racks", "dcim.Rack"),
    _table("dcim.devices", "dcim.Device"),
    _table("dcim.devices.custom_fields", "dcim.Device", "Custom fields of devices, one row per device.",
           kind=CUSTOM_FIELDS),
    _table("dcim.device_roles", "dcim.DeviceRole"),
    _table("dcim.platforms", "dcim.Platform"),
    _table("dcim.device_types", "dcim.DeviceType", order_by=("manufacturer_id", "model", "id")),
    _table("dcim.manufacturers", "dcim.Manufacturer"),
    _table("dcim.cables", "dcim.Cable", order_by=("id",)),
    _table("dcim.cable_terminations", "dcim.CableTermination", "Cable ends (the cables' A/B sides since NetBox 3.3)."),
    _table("dcim.inventory_items", "dcim.InventoryItem", order_by=("device_id", "name", "id")),
    _table("dcim.interfaces", "dcim.Interface", order_by=("device_id", "name", "id")),
    _table("dcim.mac_addresses", "dcim.MACAddress", "MAC addresses (their own model since NetBox 4.2).",
           order_by=("id",)),
    _table("ipam.ip_addresses", "ipam.IPAddress", order_by=("address", "vrf_id", "id")),
    _table("ipam.prefixes", "ipam.Prefix", order_by=("prefix", "vrf_id", "id")),
    _table("ipam.aggregates", "ipam.Aggregate", order_by=("prefix", "id")),
    _table("ipam.rirs", "ipam.RIR"),
    _table("ipam.vlans", "ipam.VLAN", order_by=("vid", "name", "id")),
    _table("ipam.vlan_groups", "ipam.VLANGroup"),
    _table("virtualization.interfaces", "virtualization.VMInterface", order_by=("virtual_machine_id", "name", "id")),
    _table("virtualization.virtual_machines", "virtualization.VirtualMachine"),
    _table("virtualization.virtual_machines.custom_fields", "virtualization.VirtualMachine",
           "Custom fields of virtual machines, one row per VM.", kind=CUSTOM_FIELDS),
    _table("virtualization.clusters", "virtualization.Cluster"),
    _table("virtualization.cluster_types", "virtualization.ClusterType"),
    _table("virtualization.cluster_groups", "virtualization.ClusterGroup"),
    _table("circuits.circuits", "circuits.Circuit", order_by=("provider_id", "cid", "id")),
    _table("circuits.circuit_types", "circuits.CircuitType"),
    _table("circuits.providers", "circuits.Provider"),
    _table("devices_full", "dcim.Device", "Devices with slugs, labels and rack placement inline.",
           columns=DEVICES_FULL_COLUMNS, exclude=("position", "rack", "face", "role")),
)  # fmt: skip

TABLES_BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}


def get_table(name: str) -> TableSpec | None:
    return TABLES_BY_NAME.get(name)


def format_cell(value: Any) -> str:
    """CSV text for one value: empty for None, ISO dates, JSON for lists and dicts, str() for the rest (IP
    networks, MAC addresses, decimals...)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def flatten_custom_fields(data: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """Flatten one object's custom field data into columns (the original dump's rule, docs/behaviour-reference.md §4.1).

    A dict value ``k`` (a JSON field, or a selection as the old API returned it) expands into ``k_<subkey>`` columns,
    plus ``k`` = its ``value`` when it has one; any other value is kept as it is (lists become JSON text later).
    """
    flat: dict[str, Any] = {}
    for key, value in (data or {}).items():
        column = f"{prefix}{key}"
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                flat[f"{column}_{sub_key}"] = sub_value
            if "value" in value:
                flat[column] = value["value"]
        else:
            flat[column] = value
    return flat


def csv_header(rows: Iterable[Mapping[str, Any]], fixed: Iterable[str] = ()) -> list[str]:
    """The sorted union of the ``fixed`` headers and every key of ``rows``."""
    headers = set(fixed)
    for row in rows:
        headers.update(row)
    return sorted(headers)
