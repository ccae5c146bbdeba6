"""IP address DNS names and Kubernetes prefixes (docs/behaviour-reference.md §5.5) through full_clean()."""

import pytest
from dcim.models import Device
from ipam.models import IPAddress, Prefix, Role

from tests import factories

from .helpers import errors_of, interface, non_field, switch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("validators_enabled")]


def mgmt_port(status="active"):
    port = interface(
        switch(role="server", model="Test Server", manufacturer="Dell", status=status), "mgmt", "1000base-t"
    )
    port.mgmt_only = True
    port.save()
    return port


def test_mgmt_dns_names():
    port = mgmt_port()
    assert (
        errors_of(IPAddress(address="198.51.100.10/24", assigned_object=port, dns_name="db1001.mgmt.eqiad.wmnet")) == {}
    )
    assert errors_of(
        IPAddress(address="198.51.100.11/24", assigned_object=port, dns_name="db1001.mgmt.eqiad.org.")
    ) == {
        "dns_name": [
            "Invalid DNS name: must not end with a dot",
            "Invalid DNS name: it should end with '.wmnet' when assigned to a mgmt interface, got org",
        ]
    }
    assert errors_of(IPAddress(address="198.51.100.12/24", assigned_object=port, dns_name="")) == {
        "dns_name": ["Invalid DNS name: can't be empty on ACTIVE server's mgmt interface IP"]
    }
    planned = mgmt_port("planned")
    assert errors_of(IPAddress(address="198.51.100.13/24", assigned_object=planned, dns_name="")) == {}


def test_primary_ip_dns_name_is_checked():
    """Spec bug fixed: the original's identity test never recognised the primary IP."""
    server = switch(role="server", model="Test Server", manufacturer="Dell")
    port = interface(server, "eno1")
    port.save()
    ip = IPAddress.objects.create(
        address="203.0.113.10/24", assigned_object=port, dns_name=f"{server.name}.eqiad.wmnet"
    )
    Device.objects.filter(pk=server.pk).update(primary_ip4=ip)
    ip = IPAddress.objects.get(pk=ip.pk)
    assert errors_of(ip) == {}
    ip.dns_name = "other.example.com"
    assert errors_of(ip) == {
        "dns_name": [
            "Invalid DNS name: TLDs should be .wmnet or .org for primary IPs, got com",
            "Invalid DNS name: if is a primary FQDN it should have the device name as part of the FQDN, "
            f"{server.name} not in other.example.com",
        ]
    }
    secondary = IPAddress(address="203.0.113.11/24", assigned_object=port, dns_name="other.example.com")
    assert errors_of(secondary) == {}


def test_prefix_inside_a_kubernetes_prefix():
    kubernetes = Role.objects.get_or_create(slug="kubernetes", defaults={"name": "kubernetes"})[0]
    production = Role.objects.get_or_create(slug=factories.unique("prod"), defaults={"name": factories.unique("p")})[0]
    site, other = factories.site(), factories.site()
    parent = Prefix.objects.create(prefix="10.199.0.0/16", role=kubernetes, scope=site)
    assert errors_of(Prefix(prefix="10.199.1.0/24", role=kubernetes, scope=site)) == {}
    errors = errors_of(Prefix(prefix="10.199.2.0/24", role=production, scope=other))
    assert errors["role"] == [f"Invalid role: must be 'kubernetes' like its parent {parent}"]
    assert non_field(errors) == [f"Invalid site: must be {site} like its parent {parent}"]
