"""The shipped link templates, rendered with a sandboxed Jinja2 environment like NetBox's (no database).

The same links are rendered through NetBox's own CustomLink.render in tests/integration/ops/test_links.py."""

from types import SimpleNamespace

import pytest
from jinja2.sandbox import SandboxedEnvironment

from netbox_wmf_ops.config_schema.custom_links import DEFAULT_URLS
from netbox_wmf_ops.links import LINK_PREFIX, shipped_links

ENV = SandboxedEnvironment()
URLS = {
    "grafana_url": "https://grafana.example.org/",
    "icinga_url": "https://icinga.example.org",
    "debmonitor_url": "https://debmonitor.example.org",
    "phabricator_url": "https://phab.example.org",
    "rt_url": "https://rt.example.org",
}


def render(name: str, obj) -> tuple[str, str]:
    link = next(spec for spec in shipped_links(URLS) if spec.name == LINK_PREFIX + name)
    context = {"object": obj}
    return ENV.from_string(link.link_text).render(context).strip(), ENV.from_string(link.link_url).render(context)


def device(name="db1001", serial="ABC123", manufacturer="dell", ticket=None, dns_name=""):
    return SimpleNamespace(
        name=name,
        serial=serial,
        cf={"ticket": ticket, "purchase_date": None},
        device_type=SimpleNamespace(manufacturer=SimpleNamespace(slug=manufacturer)),
        primary_ip=SimpleNamespace(dns_name=dns_name) if dns_name is not None else None,
    )


def test_monitoring_links_use_the_configured_base_urls():
    assert render("grafana", device()) == (
        "Grafana",
        "https://grafana.example.org/d/000000377/host-overview?var-server=db1001",
    )
    assert render("icinga", device()) == ("Icinga", "https://icinga.example.org/cgi-bin/icinga/status.cgi?host=db1001")


def test_debmonitor_prefers_the_primary_ip_dns_name():
    assert render("debmonitor", device(dns_name="db1001.eqiad.wmnet")) == (
        "Debmonitor",
        "https://debmonitor.example.org/hosts/db1001.eqiad.wmnet",
    )
    assert render("debmonitor", device(dns_name=None))[1] == "https://debmonitor.example.org/hosts/db1001"


def test_monitoring_links_hidden_for_unnamed_objects():
    for name in ("grafana", "icinga", "debmonitor"):
        assert render(name, device(name=None))[0] == ""


@pytest.mark.parametrize(
    ("ticket", "text", "url"),
    [
        ("T123456", "Procurement Ticket", "https://phab.example.org/T123456"),
        (" T42 ", "Procurement Ticket", "https://phab.example.org/T42"),
        ("RT #1234", "Procurement Ticket", "https://rt.example.org/Ticket/Display.html?id=1234"),
        ("RT#1234", "", ""),
        ("T12a", "", ""),
        ("PO-5555", "", ""),
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_procurement_ticket_only_for_phabricator_or_rt(ticket, text, url):
    assert render("procurement-ticket", device(ticket=ticket)) == (text, url)


def test_procurement_ticket_without_the_custom_field():
    obj = device()
    obj.cf = {}
    assert render("procurement-ticket", obj) == ("", "")


@pytest.mark.parametrize(
    ("manufacturer", "url"),
    [
        ("dell", "https://www.dell.com/support/home/en-us/product-support/servicetag/ABC123/overview"),
        ("hpe", "https://support.hpe.com/hpsc/wc/public/find?rows[0].item.serialNumber=ABC123&submitButton=Submit"),
        ("hp", "https://support.hpe.com/hpsc/wc/public/find?rows[0].item.serialNumber=ABC123&submitButton=Submit"),
    ],
)
def test_hardware_config_for_dell_and_hpe(manufacturer, url):
    assert render("hardware-config", device(manufacturer=manufacturer)) == ("Hardware config", url)


@pytest.mark.parametrize(("manufacturer", "serial"), [("juniper", "ABC123"), ("supermicro", "X"), ("dell", "")])
def test_hardware_config_hidden_otherwise(manufacturer, serial):
    assert render("hardware-config", device(manufacturer=manufacturer, serial=serial))[0] == ""


def test_serials_are_url_encoded():
    assert render("hardware-config", device(serial="A B/1"))[1].endswith("/servicetag/A%20B/1/overview")


def test_defaults_and_bad_urls():
    names = [spec.name for spec in shipped_links()]
    assert len(names) == len(set(names)) == 5
    assert all(name.startswith(LINK_PREFIX) for name in names)
    assert set(DEFAULT_URLS) == set(URLS)
    with pytest.raises(ValueError, match="grafana_url"):
        shipped_links({"grafana_url": "https://x/{{ 1 }}"})
