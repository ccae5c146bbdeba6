from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.librenms import (
    LibreNMSData,
    LibreNMSDevice,
    LibreNMSItem,
    NetDevice,
    NetItem,
    check_inventory_in_librenms,
    check_librenms_in_netbox,
    check_netbox_in_librenms,
    check_vendor_model,
    normalise_devices,
    normalise_inventory,
)


def test_device_normalisation():
    devices = normalise_devices(
        [
            {"device_id": 1, "hostname": "asw1", "hardware": "QFX5120-48Y", "sysDescr": "Juniper X", "serial": "S1"},
            {"device_id": "2", "hostname": "pfw", "hardware": "node0 SRX1500", "sysDescr": "", "serial": "S2"},
            {"device_id": 3, "hostname": "pdu", "hardware": None, "sysDescr": "Sentry", "serial": "S3", "ignore": 0},
            {"device_id": 4, "hostname": "ign", "hardware": "x", "sysDescr": "", "serial": "S4", "ignore": 1},
            {"device_id": 5, "hostname": "na", "hardware": "x", "sysDescr": "", "serial": "N/A"},
            {"device_id": 6, "hostname": "none", "hardware": "x", "sysDescr": "", "serial": None},
            {"device_id": 7, "hostname": "asw1-dup", "hardware": "QFX", "sysDescr": "", "serial": "S1"},
        ]
    )
    assert devices == {
        "S1": LibreNMSDevice("7", "asw1-dup", "qfx", "", "S1"),  # last row wins
        "S2": LibreNMSDevice("2", "pfw", "srx1500", "", "S2"),
        "S3": LibreNMSDevice("3", "pdu", "UNKNOWN", "sentry", "S3"),
    }


def test_inventory_normalisation():
    items = normalise_inventory(
        [
            {
                "entPhysical_id": 1,
                "entPhysicalDescr": "FPC",
                "entPhysicalSerialNum": "S/N AB1",
                "entPhysicalName": "FPC @ 0/*/*",
                "entPhysicalVendorType": "jnxFPC",
                "entPhysicalMfgName": "Juniper Networks",
            },
            {
                "entPhysical_id": 2,
                "entPhysicalDescr": "PSU",
                "entPhysicalSerialNum": "AB2",
                "entPhysicalName": None,
                "entPhysicalVendorType": "jnxPSU",
                "entPhysicalMfgName": "Delta",
            },
            {"entPhysical_id": 3, "entPhysicalSerialNum": "BUILTIN", "entPhysicalName": "x"},
            {"entPhysical_id": 4, "entPhysicalSerialNum": "", "entPhysicalName": "x"},
        ]
    )
    assert items == {
        "AB1": LibreNMSItem("1", "fpc", "AB1", "fpc @ 0/*/*", "juniper"),
        "AB2": LibreNMSItem("2", "psu", "AB2", "jnxpsu", "delta"),
    }


LNMS = LibreNMSData(
    devices={
        "S1": LibreNMSDevice("1", "asw1-eqiad", "qfx5120-48y-8c", "juniper networks, inc. jnp48y8c-chas", "S1"),
        "S2": LibreNMSDevice("2", "cr1-eqiad", "mx480", "juniper_networks mx480", "S2"),
        "S9": LibreNMSDevice("9", "ghost", "mx204", "juniper", "S9"),
        "S5": LibreNMSDevice("5", "scs-a1", "acm7004", "opengear", "S5"),
    },
    inventory={
        "I1": LibreNMSItem("11", "fpc", "I1", "ex4300-48t", "juniper"),
        "I2": LibreNMSItem("12", "re", "I2", "routing engine", "juniper"),
        "I3": LibreNMSItem("13", "x", "I3", "something", "acme"),
    },
)


def dev(obj, serial, role="asw", vendor="juniper", model="qfx5120-48y-afi", ip=True, slug=None):
    return NetDevice(obj, serial, role, slug or vendor, vendor, model, ip)


def item(obj, serial, name, role=""):
    return NetItem(obj, serial, name, role)


def test_librenms_in_netbox_counts_scs_too():
    devices = [dev("asw1", "S1"), dev("cr1", "S2", role="cr"), dev("scs", "S5", role="scs", vendor="opengear")]
    assert check_librenms_in_netbox(LNMS, devices) == [
        Finding("failure", None, "missing LibreNMS device from Netbox: serial: S9 hostname: ghost id: 9"),
        Finding("success", None, "3 LibreNMS devices in Netbox"),
    ]


def test_vendor_model_with_equivalences():
    devices = [
        dev("asw1", "S1"),  # qfx5120-48y-afi ≡ jnp48y8c-chas
        dev("cr1", "S2", role="cr", model="mx960"),  # wrong model
        dev("vc", "I2", model="ex4300-48t"),  # inventory: juniper ex4300-48t ≡ juniper routing engine
        dev("x", "I3", model="thing"),  # inventory mismatch
        dev("unknown", "S404"),  # LibreNMS does not know it: not this test's business
        dev("scs", "S5", role="scs"),  # scs not checked here
    ]
    assert check_vendor_model(LNMS, devices) == [
        Finding(
            "failure",
            "cr1",
            "mismatch between LibreNMS and Netbox device types: Netbox: juniper mx960 (vendor model), "
            "LibreNMS: juniper_networks mx480 (description) || mx480 (hardware)",
        ),
        Finding(
            "failure",
            "x",
            "mismatch between LibreNMS and Netbox inventory; Netbox: juniper thing (vendor model), "
            "LibreNMS: acme something (vendor model)",
        ),
        Finding("success", None, "2 LibreNMS hardware and manufacturer matches in Netbox"),
    ]


def test_inventory_items_in_librenms_minus_exclusions():
    items = [
        item("fpc0", "I1", "FPC 0"),
        item("fpc1", "I404", "FPC 1"),
        item("fpm", "I405", "FPM Board"),
        item("lic", "I406", "Advanced licence", role="license"),
    ]
    assert check_inventory_in_librenms(LNMS, items) == [
        Finding("failure", "fpc1", "missing Netbox inventory item from LibreNMS"),
        Finding("success", None, "1 Netbox inventory items in LibreNMS"),
    ]


def test_netbox_in_librenms_with_juniper_chassis_members_and_no_ip_count():
    devices = [
        dev("asw1", "S1"),
        dev("vc-member", "I1"),  # Juniper: found as an entPhysical serial
        dev("acme", "I3", vendor="acme"),  # not Juniper: entPhysical does not count
        dev("new", "S404", ip=False),
        dev("mr1", "S405", role="mr"),
        dev("scs", "S406", role="scs"),  # out of scope
        dev("noserial", ""),  # out of scope
    ]
    assert check_netbox_in_librenms(LNMS, devices) == [
        Finding("failure", "acme", "missing Netbox device from LibreNMS of role asw"),
        Finding("failure", "mr1", "missing Netbox device from LibreNMS of role mr"),
        Finding("info", None, "1 Netbox devices with no IP and not in LibreNMS"),
        Finding("success", None, "2 Netbox devices in LibreNMS"),
    ]
