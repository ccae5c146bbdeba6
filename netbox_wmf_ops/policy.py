"""Wikimedia's site conventions, each defined once: the names, roles, sites and lists that the reports, validators,
provisioning and DNS code agree on. Pure (no Django import).

The conventions another site would change are settings (docs/configuration.md, declared in
``config_schema/site_policy.py`` with the defaults below): ``server_role``, ``frtech_tenant``, ``core_sites``,
``datacenters`` and ``no_ipv6_dns_prefixes``. ``apply()`` writes the configured values here when the plugin starts,
so code reads them at run time as ``policy.SERVER_ROLE`` and never binds them at import (``from .policy import
SERVER_ROLE`` would keep the default; a test forbids it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ------------------------------------------------------------------ configurable (see apply() and site_policy.py)

SERVER_ROLE = "server"  # device role slug of the servers
FRTECH_TENANT = "fr-tech"  # tenant slug of the fundraising racks: ".frack." DNS names, two switches per rack
CORE_SITES: tuple[str, ...] = ("eqiad", "codfw")  # sites with per-row legacy VLANs and labelled server cables
# The datacenters, site slug -> DC number (wmflib.constants.DATACENTER_NUMBERING_PREFIX): the second-level domain of
# `<host>.<site>.wmnet` names, and the leading digits of a server's number (mw1001 in DC 1, mw12001 in DC 12).
DATACENTERS: dict[str, int] = {"eqiad": 1, "codfw": 2, "esams": 3, "ulsfo": 4, "eqsin": 5, "drmrs": 6, "magru": 7}
# Server name prefixes whose primary IPv6 gets no DNS name (clusters without IPv6 in DNS; audited in P67286). One list
# for the Network report and for provisioning: provisioning's own copy used to add "restbase", so every restbase host
# it provisioned then failed the report; the audited list is the one the fleet follows (docs/configuration.md).
NO_IPV6_DNS_PREFIXES: tuple[str, ...] = ("an-redacteddb", "clouddb", "db", "dbproxy", "dbstore", "es", "pc")

CONFIGURABLE = {
    "server_role": "SERVER_ROLE",
    "frtech_tenant": "FRTECH_TENANT",
    "core_sites": "CORE_SITES",
    "datacenters": "DATACENTERS",
    "no_ipv6_dns_prefixes": "NO_IPV6_DNS_PREFIXES",
}
DEFAULTS = {setting: globals()[name] for setting, name in CONFIGURABLE.items()}


def apply(values: dict[str, object]) -> None:
    """Install the configured values of the settings in ``CONFIGURABLE`` (missing ones keep their defaults)."""
    for setting, name in CONFIGURABLE.items():
        value = values.get(setting, DEFAULTS[setting])
        if isinstance(value, list | tuple):
            value = tuple(value)
        elif isinstance(value, dict):
            value = dict(value)  # a copy: the configuration's own dict stays the caller's
        globals()[name] = value


# ------------------------------------------------------------------------------------- fixed conventions

NETWORK_ROLES = ("asw", "cr", "mr", "pfw", "cloudsw")  # device roles of the network gear
NO_MONITORING_MARK = "no-mon"  # in a port's description: the port is enabled but deliberately not monitored
ASSET_TAG_EXEMPT_ROLES = ("patch-panel",)
SERIAL_EXEMPT_ROLES = ("cablemgmt", "storagebin", "optical-device", "patch-panel")
DECOMMISSIONED_STATUSES = ("decommissioning", "offline")
# IP roles shared by several hosts: NetBox's non-unique roles plus anycast.
SHARED_IP_ROLES = ("vip", "vrrp", "hsrp", "glbp", "carp", "anycast")
# Interface name prefixes of one vendor that are wrong on another vendor's device.
FOREIGN_VENDOR_PREFIXES = {"nokia": ("ge-", "xe-", "et-"), "juniper": ("ethernet-",)}


def without_ipv6_dns(name: str, prefixes: Iterable[str] | None = None) -> bool:
    """Servers of the clusters listed as not supporting IPv6 in DNS (``db1001`` but not ``dbx1001`` or ``db0001``)."""
    listed = NO_IPV6_DNS_PREFIXES if prefixes is None else prefixes
    return any(re.match(f"{re.escape(prefix)}[1-9]", name) for prefix in listed)


def is_frack(tenant_slug: str | None) -> bool:
    return tenant_slug is not None and tenant_slug == FRTECH_TENANT


def mgmt_dns_name(device_name: str, site: str, tenant_slug: str | None) -> str:
    """``<device>.mgmt[.frack].<site>.wmnet``: the DNS name of a device's management address."""
    frack = "frack." if is_frack(tenant_slug) else ""
    return f"{device_name}.mgmt.{frack}{site}.wmnet"
