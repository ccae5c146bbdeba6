"""The interface validator through full_clean() (docs/behaviour-reference.md §5.3), on real NetBox objects."""

import pytest
from dcim.models import Cable, Interface, MACAddress
from ipam.models import VLAN, IPAddress

from tests import factories

from .helpers import errors_of, interface, non_field, switch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("validators_enabled")]


def test_every_failing_rule_of_an_interface():
    sw = switch()
    bad = interface(sw, "et-0/0/56", enabled=False, description="old uplink", mtu=1500, mode="access")
    assert errors_of(bad) == {
        "description": ["Invalid description (must not be set on disabled interfaces)"],
        "mtu": ["Invalid mtu (must not be set on disabled interfaces)"],
        "mode": ["Invalid mode (must not be set on disabled interfaces)"],
        "name": ["Port 56 is outside of Juniper port range (0-55)"],
    }


def test_names_and_vendor_prefixes():
    nokia = switch("Nokia", "7220-ixr-d2l")
    assert errors_of(interface(nokia, "xe-0/0/1")) == {"name": ["Name xe-0/0/1 is incorrect for a Nokia device."]}
    assert errors_of(interface(nokia, "Ethernet 1", type_="virtual")) == {
        "name": ["Invalid name (must match the INTERFACES_REGEXP options)"]
    }
    server = switch(role="server", model="Test Server", manufacturer="Dell")
    assert errors_of(interface(server, "Ethernet 1")) == {}  # network devices only


def test_irb_needs_a_vlan_of_the_device_site():
    sw = switch()
    VLAN.objects.create(vid=1234, name=factories.unique("vlan"), site=sw.site)
    assert errors_of(interface(sw, "irb.1234", type_="virtual")) == {}
    assert errors_of(interface(sw, "irb.1235", type_="virtual")) == {
        "name": ["IRB interface invalid - does not match vlan at this site."]
    }


def test_juniper_block_of_four_reads_the_other_ports():
    sw = switch()
    interface(sw, "et-0/0/4").save()
    assert errors_of(interface(sw, "et-0/0/6", type_="25gbase-x-sfp28")) == {
        "type": [
            "Invalid type/speed '25gbase-x-sfp28' (must be 10gbase-x-sfpp to match et-0/0/4 within the same block)"
        ]
    }
    assert errors_of(interface(sw, "et-0/0/8", type_="25gbase-x-sfp28")) == {}
    # Editing the port itself does not compare it with its own stored row.
    stored = Interface.objects.get(device=sw, name="et-0/0/4")
    stored.type = "25gbase-x-sfp28"
    assert errors_of(stored) == {}


def test_mtu_of_a_cabled_port():
    sw, other = switch(), switch(role="cr")
    port, peer = interface(sw, "et-0/0/1", mtu=9192), interface(other, "et-0/0/1", mtu=9192)
    port.save()
    peer.save()
    Cable(a_terminations=[port], b_terminations=[peer], status="connected").save()
    port = Interface.objects.get(pk=port.pk)
    port.mtu = 1500
    assert errors_of(port) == {"mtu": ["Invalid MTU 1500, must be 9192"]}
    port.mtu = 9000
    assert errors_of(port) == {}


def test_disabled_interface_with_ip_and_mac_gets_non_field_errors():
    sw = switch()
    port = interface(sw, "et-0/0/3")
    port.save()
    IPAddress.objects.create(address="192.0.2.10/24", assigned_object=port)
    mac = MACAddress.objects.create(mac_address="00:11:22:33:44:55", assigned_object=port)
    port.primary_mac_address = mac
    port.save()
    port = Interface.objects.get(pk=port.pk)
    port.enabled = False
    errors = errors_of(port)
    assert non_field(errors) == [
        "Invalid mac_address (must not be set on disabled interfaces)",
        "Invalid count_ipaddresses (must not be set on disabled interfaces)",
    ]
    port.description = "spare no-mon"
    assert errors_of(port) == {}


def test_child_interface_type():
    sw = switch("Juniper", "qfx5120-48y-8c", role="cr")
    parent = interface(sw, "et-0/0/1")
    parent.save()
    assert errors_of(interface(sw, "et-0/0/1.100", parent=parent)) == {
        "type": ["Child interfaces must be one of those types: ('virtual', 'bridge', 'lag')."]
    }
    assert errors_of(interface(sw, "et-0/0/1.100", type_="virtual", parent=parent)) == {}
