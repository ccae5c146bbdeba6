"""WMF-shaped LibreNMS rows (devices and entPhysical) shared by the database and API tests."""

from dev.librenms_harness import device_row, entphysical_row

DEVICES = [
    device_row(
        101, "asw1-b1-eqiad.mgmt.eqiad.wmnet", "QFX5120-48Y-8C", "Juniper Networks, Inc. jnp48y8c-chas", "WS3718350001"
    ),
    device_row(102, "cr1-eqiad.wikimedia.org", "MX480", "Juniper Networks, Inc. mx480 internet router", "JN11F2A3BAFA"),
    device_row(103, "pfw3a-codfw.mgmt.codfw.wmnet", "node0 SRX1500", "Juniper Networks, Inc. srx1500", "CW4318AF0123"),
    device_row(104, "ps1-b1-eqiad.mgmt.eqiad.wmnet", None, "Sentry Switched CDU", "ABEF0001234", os="sentry4"),
    device_row(105, "old-switch.mgmt.eqiad.wmnet", "EX4200-48T", "Juniper", "BP0208123456", ignore=1),
    device_row(106, "unknown-serial.eqiad.wmnet", "MX204", "Juniper", "N/A"),
    device_row(107, "no-serial.eqiad.wmnet", "MX204", "Juniper", None),
    device_row(108, "ghost1-eqiad.wikimedia.org", "MX204", "Juniper Networks mx204", "DK1234ABCD"),
]

INVENTORY = [
    entphysical_row(1, 102, 1, "FPC @ 0/*/*", "MPC7E 3D MRATE-12xQSFPP-XGE-XLGE-CGE", "S/N CAHC1234"),
    entphysical_row(2, 102, 2, "Routing Engine 0", "RE-S-1800x4", "9009123456", vendor_type="jnxRE"),
    entphysical_row(3, 102, 3, "midplane", "MX480 Midplane", "BUILTIN", vendor_type="jnxMidplane"),
    entphysical_row(4, 102, 4, "PEM 0", "DC Power Entry Module", "", vendor_type="jnxPower"),
    entphysical_row(5, 103, 1, "FPC @ 1/*/*", "SRX1500 FPC", "CW4318AF0999"),
    entphysical_row(6, 101, 1, "Xcvr 0", "QSFP-100GBASE-SR4", "1A2B3C4D", mfg="FINISAR CORP.", vendor_type=None),
]
