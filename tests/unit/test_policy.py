"""Site policy lives once (netbox_wmf_ops/policy.py); the configurable part follows the settings at run time."""

import ast
from pathlib import Path

from netbox_wmf_ops import policy
from netbox_wmf_ops.checks.network import MgmtAddress, check_mgmt_dns_names
from netbox_wmf_ops.config_schema import SETTINGS
from netbox_wmf_ops.lifecycle.planning.provision import skip_ipv6_dns

PACKAGE = Path(__file__).resolve().parents[2] / "netbox_wmf_ops"


def test_no_module_binds_a_configurable_convention_at_import():
    """``from ..policy import SERVER_ROLE`` would keep the default whatever the settings say."""
    configurable = set(policy.CONFIGURABLE.values())
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("policy"):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name in configurable]
    assert offenders == []


def test_every_configurable_convention_is_a_setting_with_the_policy_default():
    for name in policy.CONFIGURABLE:
        assert (
            list(policy.DEFAULTS[name]) == list(SETTINGS[name].default)
            if isinstance(policy.DEFAULTS[name], tuple)
            else policy.DEFAULTS[name] == SETTINGS[name].default
        )


def test_the_network_report_and_provisioning_share_the_no_ipv6_list(site_policy):
    assert skip_ipv6_dns("db1001") and policy.without_ipv6_dns("db1001")
    # The two lists used to differ: provisioning also exempted restbase, which the report then flagged.
    assert not skip_ipv6_dns("restbase1030") and not policy.without_ipv6_dns("restbase1030")
    site_policy({"no_ipv6_dns_prefixes": ["restbase"]})
    assert skip_ipv6_dns("restbase1030") and not skip_ipv6_dns("db1001")


def test_the_fundraising_tenant_setting_reaches_the_management_dns_rule(site_policy):
    address = MgmtAddress("d1", "pay1001", "eqiad", "payments", "pay1001.mgmt.frack.eqiad.wmnet")
    assert [f.level for f in check_mgmt_dns_names([address]) if f.level != "success"] == ["failure"]
    site_policy({"frtech_tenant": "payments"})
    assert [f.level for f in check_mgmt_dns_names([address]) if f.level != "success"] == []


def test_the_datacenters_setting_is_applied_as_a_copy(site_policy):
    configured = {"eqiad": 1, "eqord": 12}
    site_policy({"datacenters": configured})
    configured["eqdfw"] = 13
    assert policy.DATACENTERS == {"eqiad": 1, "eqord": 12}
    site_policy({})
    assert policy.DATACENTERS == {"eqiad": 1, "codfw": 2, "esams": 3, "ulsfo": 4, "eqsin": 5, "drmrs": 6, "magru": 7}
