"""The shipped custom links, installed in NetBox and rendered by CustomLink.render (NetBox's Jinja2 sandbox)."""

import pytest
from core.models import ObjectType
from dcim.models import Device
from django.core.management import call_command
from extras.models import CustomField, CustomLink
from ipam.models import IPAddress
from virtualization.models import Cluster, ClusterType, VirtualMachine

from netbox_wmf_ops.links import LINK_PREFIX, install_custom_links
from tests import factories

pytestmark = pytest.mark.django_db

URLS = {
    "grafana_url": "https://grafana.example.org",
    "icinga_url": "https://icinga.example.org",
    "debmonitor_url": "https://debmonitor.example.org",
    "phabricator_url": "https://phab.example.org",
    "rt_url": "https://rt.example.org",
}


@pytest.fixture
def links():
    install_custom_links(URLS)
    field, _ = CustomField.objects.get_or_create(name="ticket", defaults={"type": "text"})
    field.object_types.add(ObjectType.objects.get_for_model(Device))
    return {
        link.name.removeprefix(LINK_PREFIX): link for link in CustomLink.objects.filter(name__startswith=LINK_PREFIX)
    }


def render(link: CustomLink, obj) -> tuple[str, str]:
    obj = type(obj).objects.get(pk=obj.pk)  # fresh, as a page would load it
    out = link.render({"object": obj})  # {} when the text renders empty: NetBox hides the link
    return out.get("text", "").strip(), out.get("link", "")


def _device_with_type(dtype, **fields) -> Device:
    dev = factories.device(**fields)
    dev.device_type = dtype
    dev.save()
    return dev


def test_monitoring_links_on_devices_and_vms(links):
    dev = factories.device(name="db1001")
    ip = IPAddress.objects.create(address="10.64.0.5/22", dns_name="db1001.eqiad.wmnet")
    iface = dev.interfaces.create(name="eno1", type="1000base-t")
    ip.assigned_object = iface
    ip.save()
    dev.primary_ip4 = ip
    dev.save()
    cluster = Cluster.objects.create(
        name=factories.unique("ganeti"), type=ClusterType.objects.create(name="g", slug=factories.unique("g"))
    )
    vm = VirtualMachine.objects.create(name="vm1001", cluster=cluster)

    assert render(links["grafana"], dev) == (
        "Grafana",
        "https://grafana.example.org/d/000000377/host-overview?var-server=db1001",
    )
    assert render(links["icinga"], vm) == ("Icinga", "https://icinga.example.org/cgi-bin/icinga/status.cgi?host=vm1001")
    assert render(links["debmonitor"], dev) == ("Debmonitor", "https://debmonitor.example.org/hosts/db1001.eqiad.wmnet")
    assert render(links["debmonitor"], vm) == ("Debmonitor", "https://debmonitor.example.org/hosts/vm1001")
    assert {ot.model for ot in links["grafana"].object_types.all()} == {"device", "virtualmachine"}


def test_procurement_ticket(links):
    phab = factories.device(custom_field_data={"ticket": "T123456"})
    rt = factories.device(custom_field_data={"ticket": "RT #1234"})
    other = factories.device(custom_field_data={"ticket": "PO 77"})
    none = factories.device()
    assert render(links["procurement-ticket"], phab) == ("Procurement Ticket", "https://phab.example.org/T123456")
    assert render(links["procurement-ticket"], rt) == (
        "Procurement Ticket",
        "https://rt.example.org/Ticket/Display.html?id=1234",
    )
    assert render(links["procurement-ticket"], other)[0] == ""
    assert render(links["procurement-ticket"], none)[0] == ""
    assert [ot.model for ot in links["procurement-ticket"].object_types.all()] == ["device"]


def test_hardware_config(links):
    dell = _device_with_type(factories.device_type("PowerEdge R450", "Dell"), serial="7XJ2K3")
    hpe = _device_with_type(factories.device_type("ProLiant DL380", "HPE"), serial="CZ123")
    juniper = factories.device(serial="JN123")
    no_serial = _device_with_type(factories.device_type("PowerEdge R450", "Dell"))
    assert render(links["hardware-config"], dell) == (
        "Hardware config",
        "https://www.dell.com/support/home/en-us/product-support/servicetag/7XJ2K3/overview",
    )
    text, url = render(links["hardware-config"], hpe)
    assert text == "Hardware config" and "serialNumber=CZ123" in url
    assert render(links["hardware-config"], juniper)[0] == ""
    assert render(links["hardware-config"], no_serial)[0] == ""


def test_install_is_idempotent_and_follows_configuration(links):
    again = install_custom_links(URLS)
    assert again.created == again.updated == again.deleted == [] and len(again.unchanged) == 5

    CustomLink.objects.filter(name=f"{LINK_PREFIX}icinga").update(enabled=False)  # an operator's choice is kept
    CustomLink.objects.create(name=f"{LINK_PREFIX}retired", link_text="x", link_url="https://x")
    moved = install_custom_links({**URLS, "grafana_url": "https://grafana2.example.org"})
    assert moved.updated == [f"{LINK_PREFIX}grafana"] and moved.deleted == [f"{LINK_PREFIX}retired"]
    assert CustomLink.objects.get(name=f"{LINK_PREFIX}grafana").link_url.startswith("https://grafana2.example.org/")
    assert CustomLink.objects.get(name=f"{LINK_PREFIX}icinga").enabled is False


def test_install_command(capsys):
    call_command("wmf_ops_install_links")
    assert "custom links created" in capsys.readouterr().out
    assert CustomLink.objects.filter(name__startswith=LINK_PREFIX).count() == 5
