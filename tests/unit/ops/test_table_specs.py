import datetime
import decimal

from netbox_wmf_ops.exports.tables import (
    CUSTOM_FIELDS,
    TABLES,
    TABLES_BY_NAME,
    csv_header,
    flatten_custom_fields,
    format_cell,
    get_table,
)

ORIGINAL_2022_TABLES = {
    "dcim.sites", "dcim.regions", "tenancy.tenants", "dcim.racks", "dcim.locations",
    "dcim.devices", "dcim.devices.custom_fields", "dcim.device_roles", "dcim.platforms", "dcim.device_types",
    "dcim.manufacturers", "dcim.cables", "dcim.inventory_items", "dcim.interfaces",
    "ipam.ip_addresses", "ipam.prefixes", "ipam.aggregates", "ipam.rirs", "ipam.vlans", "ipam.vlan_groups",
    "virtualization.interfaces", "virtualization.virtual_machines", "virtualization.virtual_machines.custom_fields",
    "virtualization.clusters", "virtualization.cluster_types",
    "circuits.circuits", "circuits.circuit_types", "circuits.providers",
    "devices_full",
}  # fmt: skip


def test_every_table_of_the_original_dump_is_exported():
    assert set(TABLES_BY_NAME) >= ORIGINAL_2022_TABLES


def test_table_names_are_unique_and_file_names_follow_the_original():
    assert len(TABLES) == len(TABLES_BY_NAME)
    assert get_table("dcim.devices.custom_fields").file_name == "dcim.devices.custom_fields.csv"
    assert get_table("nope") is None


def test_models_are_netbox_47_labels():
    assert get_table("dcim.device_roles").model == "dcim.DeviceRole"
    assert get_table("virtualization.interfaces").model == "virtualization.VMInterface"
    assert get_table("dcim.mac_addresses").model == "dcim.MACAddress"  # MACs left the interface in 4.2
    for spec in TABLES:
        app, _, model = spec.model.partition(".")
        assert app and model[:1].isupper(), spec


def test_custom_field_tables():
    kinds = {spec.name for spec in TABLES if spec.kind == CUSTOM_FIELDS}
    assert kinds == {"dcim.devices.custom_fields", "virtualization.virtual_machines.custom_fields"}


def test_devices_full_replaces_ids_with_slugs_and_drops_rack_fields():
    spec = get_table("devices_full")
    headers = {c.header: c for c in spec.columns}
    assert headers["site"].lookup == "site__slug"
    assert headers["device_role"].lookup == "role__slug"
    assert headers["status"].display and headers["rack_face"].display
    assert {"rack_site", "rack_name", "rack_position", "device_manufacturer", "device_height"} <= set(headers)
    assert {"position", "rack", "face", "role"} <= set(spec.exclude)


def test_format_cell():
    assert format_cell(None) == ""
    assert format_cell("x,y") == "x,y"
    assert format_cell(True) == "true"
    assert format_cell(3) == "3"
    assert format_cell(decimal.Decimal("1.50")) == "1.50"
    assert format_cell(datetime.date(2024, 5, 6)) == "2024-05-06"
    assert format_cell([3, 1]) == "[3, 1]"
    assert format_cell({"b": 1, "a": None}) == '{"a": null, "b": 1}'


def test_flatten_custom_fields_expands_dicts_like_the_original():
    flat = flatten_custom_fields(
        {"ticket": "T123", "purchase_date": "2024-01-02", "sel": {"value": "x", "label": "X"}, "multi": ["a", "b"]},
        prefix="cf_",
    )
    assert flat == {
        "cf_ticket": "T123",
        "cf_purchase_date": "2024-01-02",
        "cf_sel_value": "x",
        "cf_sel_label": "X",
        "cf_sel": "x",
        "cf_multi": ["a", "b"],
    }
    assert flatten_custom_fields(None) == {}


def test_csv_header_is_the_sorted_union():
    assert csv_header([{"b": 1}, {"a": 2, "c": 3}], fixed=["id"]) == ["a", "b", "c", "id"]
