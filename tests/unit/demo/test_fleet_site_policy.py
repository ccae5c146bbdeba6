"""Above scale 1.0 the dev instances tell the plugin the fleet's added sites (datacenters and core sites)."""

from dev.fleet.conventions import site_specs
from dev.tooling.instances import fleet_site_policy
from netbox_wmf_ops.config_schema import validate_settings


def test_up_to_scale_one_the_defaults_describe_the_fleet():
    assert fleet_site_policy(1.0) == {}
    assert fleet_site_policy(0.05) == {}


def test_above_scale_one_every_site_is_a_datacenter_and_the_core_ones_core_sites():
    settings = fleet_site_policy(3.0)
    assert validate_settings(settings) == []
    specs = site_specs(3.0)
    assert settings["datacenters"] == {spec.slug: spec.dc for spec in specs}
    assert len(settings["datacenters"]) == 21 and settings["datacenters"]["eqiad"] == 1
    assert max(settings["datacenters"].values()) == 21
    assert settings["core_sites"] == [spec.slug for spec in specs if spec.core]
    assert settings["core_sites"][:2] == ["eqiad", "codfw"] and len(settings["core_sites"]) == 6
