from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules.ipam import IPAddressRecord, PrefixRecord, check_ip_address, check_prefix


def dns(*messages):
    return [RuleError("dns_name", m) for m in messages]


def mgmt(dns_name, **fields):
    return IPAddressRecord(dns_name, on_mgmt_interface=True, device_status="active", **fields)


def test_plain_names():
    assert check_ip_address(IPAddressRecord("host.example.org")) == []
    assert check_ip_address(IPAddressRecord("")) == []
    assert check_ip_address(IPAddressRecord("host.example.org.")) == dns("Invalid DNS name: must not end with a dot")
    assert check_ip_address(IPAddressRecord("host")) == dns(
        "Invalid DNS name: no dot found, it must be an FQDN, not a hostname"
    )
    assert check_ip_address(IPAddressRecord("-host.exa_mple.org")) == dns("Invalid DNS name: must be a valid FQDN")


def test_mgmt_names():
    assert check_ip_address(mgmt("db1001.mgmt.eqiad.wmnet")) == []
    assert check_ip_address(mgmt("frdb1001.mgmt.frack.eqiad.wmnet")) == []
    assert check_ip_address(mgmt("db1001.mgmt.eqiad.org")) == dns(
        "Invalid DNS name: it should end with '.wmnet' when assigned to a mgmt interface, got org"
    )
    assert check_ip_address(mgmt("db1001.eqiad.wmnet")) == dns(
        "Invalid DNS name: 4 or 5 domain levels are needed when assigned to a mgmt interface, got 3",
        "Invalid DNS name: '.mgmt.' must be the third or forth subdomain when assigned to a mgmt interface, "
        "got db1001.eqiad.wmnet",
    )
    assert check_ip_address(mgmt("db1001.mgmt.nowhere.wmnet")) == dns(
        "Invalid DNS name: the second level domain should be a valid DC name when assigned to a mgmt interface, "
        "got nowhere"
    )


def test_dc_names_are_the_datacenters_setting(site_policy):
    not_a_dc = dns(
        "Invalid DNS name: the second level domain should be a valid DC name when assigned to a mgmt interface, "
        "got eqord"
    )
    assert check_ip_address(mgmt("mw12001.mgmt.eqord.wmnet")) == not_a_dc
    assert check_ip_address(primary("db1001.eqord.wmnet")) == dns(
        "Invalid DNS name: if ending with .wmnet the second level domain should be a valid DC name, got eqord"
    )
    site_policy({"datacenters": {"eqiad": 1, "eqord": 12}})
    assert check_ip_address(mgmt("mw12001.mgmt.eqord.wmnet")) == []
    assert check_ip_address(primary("db1001.eqord.wmnet")) == []
    assert check_ip_address(primary("db1001.codfw.wmnet")) == dns(  # no longer a datacenter
        "Invalid DNS name: if ending with .wmnet the second level domain should be a valid DC name, got codfw"
    )


def test_empty_name_on_an_active_device_mgmt_interface():
    assert check_ip_address(mgmt("")) == dns("Invalid DNS name: can't be empty on ACTIVE server's mgmt interface IP")
    assert check_ip_address(IPAddressRecord("", on_mgmt_interface=True, device_status="planned")) == []


def primary(dns_name, **fields):
    values = {"device_role": "server", "device_name": "db1001", "is_device_primary": True, **fields}
    return IPAddressRecord(dns_name, **values)


def test_primary_names_now_checked():
    # Spec bug fixed: the original never ran these rules (identity comparison).
    assert check_ip_address(primary("db1001.eqiad.wmnet")) == []
    assert check_ip_address(primary("db1001.wikimedia.org")) == []
    assert check_ip_address(primary("db1001.eqiad.com")) == dns(
        "Invalid DNS name: TLDs should be .wmnet or .org for primary IPs, got com"
    )
    assert check_ip_address(primary("db1001.nowhere.wmnet")) == dns(
        "Invalid DNS name: if ending with .wmnet the second level domain should be a valid DC name, got nowhere"
    )
    assert check_ip_address(primary("db1002.wikipedia.org")) == dns(
        "Invalid DNS name: if ending with .org the second level domain should be wikimedia got wikipedia",
        "Invalid DNS name: if is a primary FQDN it should have the device name as part of the FQDN, db1001 not in "
        "db1002.wikipedia.org",
    )
    # Not primary, an IP with a role, or a non-server device: the rules do not apply.
    assert check_ip_address(primary("x.example.com", is_device_primary=False)) == []
    assert check_ip_address(primary("x.example.com", role="vip")) == []
    assert check_ip_address(primary("x.example.com", device_role="asw")) == []


def test_prefix_under_a_kubernetes_prefix():
    parent = {"parent": "10.67.128.0/18", "parent_role": "kubernetes", "parent_site_id": 1, "parent_site": "eqiad"}
    assert check_prefix(PrefixRecord("kubernetes", 1, **parent)) == []
    assert check_prefix(PrefixRecord("production", 2, **parent)) == [
        RuleError("role", "Invalid role: must be 'kubernetes' like its parent 10.67.128.0/18"),
        RuleError(None, "Invalid site: must be eqiad like its parent 10.67.128.0/18"),
    ]
    assert check_prefix(PrefixRecord("production", 2, "10.0.0.0/8", "production", 1, "eqiad")) == []
    assert check_prefix(PrefixRecord("production", 2)) == []
