"""Device types, cables, console/power components and sites (docs/behaviour-reference.md §5.2, §5.4) through
full_clean()."""

import pytest
from circuits.models import Circuit, CircuitTermination, CircuitType, Provider
from dcim.models import Cable, ConsolePort, ConsoleServerPort, DeviceType, PowerOutlet, PowerPort, Site

from tests import factories

from .helpers import errors_of, interface, non_field, switch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("validators_enabled")]

POWEREDGE = "Invalid model (slug must match re.compile('^poweredge-r\\\\d{3}\\\\w{0,3}(-config\\\\w+){0,1}$'))"


def test_dell_device_types():
    dell = factories.device_type("Anything", "Dell").manufacturer
    assert errors_of(DeviceType(manufacturer=dell, model="PowerEdge R450", slug="poweredge-r450")) == {}
    assert errors_of(DeviceType(manufacturer=dell, model="PowerEdge R450", slug="r450")) == {
        "slug": ["Invalid slug (must be poweredge-r450)"],
        "model": [POWEREDGE],
    }


def ports(site, role="server"):
    a = interface(switch(role=role, model="Test Server", manufacturer="Dell", site=site), "eno1")
    b = interface(switch(site=site), "et-0/0/1")
    a.save()
    b.save()
    return a, b


def test_duplicate_label_on_the_same_site_only():
    site, elsewhere = factories.site(), factories.site()
    a, b = ports(site)
    Cable(a_terminations=[a], b_terminations=[b], label="C-100", status="connected").save()
    c, d = ports(site)
    assert errors_of(Cable(a_terminations=[c], b_terminations=[d], label="C-100")) == {
        "label": ["Duplicate label with C-100"]
    }
    e, f = ports(elsewhere)
    assert errors_of(Cable(a_terminations=[e], b_terminations=[f], label="C-100")) == {}


def test_circuit_termination_gives_the_cable_site():
    site = factories.site()
    a, b = ports(site)
    Cable(a_terminations=[a], b_terminations=[b], label="C-200", status="connected").save()
    provider = Provider.objects.create(name=factories.unique("prov"), slug=factories.unique("prov"))
    kind = CircuitType.objects.create(name=factories.unique("ct"), slug=factories.unique("ct"))
    circuit = Circuit.objects.create(cid=factories.unique("cid"), provider=provider, type=kind)
    termination = CircuitTermination.objects.create(circuit=circuit, term_side="A", termination=site)
    c, _ = ports(site)
    assert errors_of(Cable(a_terminations=[termination], b_terminations=[c], label="C-200")) == {
        "label": ["Duplicate label with C-200"]
    }


def test_blank_label_rules_and_multiple_endpoints():
    core, pop = factories.site("eqiad"), factories.site()
    a, b = ports(core)
    assert errors_of(Cable(a_terminations=[a], b_terminations=[b], label="")) == {}
    c, d = ports(pop)
    e, _ = ports(pop)
    assert errors_of(Cable(a_terminations=[c, e], b_terminations=[d], label=" ")) == {
        "label": ["Invalid label (must not be blank)"],
        "__all__": ["Our automation doesn't support cables with multiple endpoints"],
    }
    assert errors_of(Cable(a_terminations=[c], b_terminations=[d], label="", status="planned")) == {}


def test_labelled_console_cable_has_no_site():
    sw = switch()
    console = ConsolePort.objects.create(device=sw, name="console0")
    server_port = ConsoleServerPort.objects.create(device=switch(role="scs"), name="port1")
    errors = errors_of(Cable(a_terminations=[console], b_terminations=[server_port], label="C-300"))
    assert non_field(errors) == ["Error: unable to find cable's site"]


def test_component_names():
    nokia, juniper = switch("Nokia", "7220-ixr-d2l"), switch()
    assert errors_of(ConsolePort(device=nokia, name="Console")) == {}  # the Nokia fix
    assert errors_of(ConsolePort(device=juniper, name="Console")) == {
        "name": ["Invalid name (must be one of ('console0', 'console-re0', 'console-re1'))"]
    }
    assert errors_of(ConsoleServerPort(device=juniper, name="port100")) == {
        "name": ["Invalid name (must start with 'port' followed by digits)"]
    }
    assert errors_of(PowerPort(device=juniper, name="PSU1")) == {}
    assert errors_of(PowerOutlet(device=juniper, name="A1")) == {
        "name": ["Invalid name (must be a non-negative integer)"]
    }


def test_site_slug():
    assert errors_of(Site(name="Nowhere Land", slug="Nowhere")) == {
        "slug": ["Invalid slug (must be 5 chars)", "Invalid slug (must be lowercase)"]
    }
