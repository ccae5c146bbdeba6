"""The site conventions another site would change (defaults: Wikimedia's, from ``netbox_wmf_ops.policy``)."""

from ..policy import DEFAULTS
from .validators import Setting, datacenter_numbers, list_of_str, nonempty_str

SETTINGS: dict[str, Setting] = {
    "server_role": Setting(DEFAULTS["server_role"], nonempty_str, "Device role slug of the servers."),
    "frtech_tenant": Setting(
        DEFAULTS["frtech_tenant"],
        nonempty_str,
        "Tenant slug of the fundraising racks (.frack. DNS names, two switches per rack).",
    ),
    "core_sites": Setting(
        list(DEFAULTS["core_sites"]),
        list_of_str,
        "Site slugs with per-row legacy VLANs and labelled server cables.",
    ),
    "datacenters": Setting(
        dict(DEFAULTS["datacenters"]),
        datacenter_numbers,
        "The datacenters, site slug -> DC number (1-99): the valid <site> of <host>.<site>.wmnet DNS names and the "
        "leading digits of a server's number (mw1001 in DC 1, mw12001 in DC 12).",
    ),
    "no_ipv6_dns_prefixes": Setting(
        list(DEFAULTS["no_ipv6_dns_prefixes"]),
        list_of_str,
        "Server name prefixes whose primary IPv6 address gets no DNS name (e.g. 'db' matches db1001).",
    ),
}
