"""The Cables report on hand-built objects added to the demo fleet."""

import pytest

from netbox_wmf_ops.reports.cables import Cables
from tests import factories
from tests.factories import reports as f
from tests.integration.reports.helpers import (
    assert_conventions,
    assert_queries_do_not_grow,
    lines_about,
    run_report,
    summary_count,
)


@pytest.mark.django_db
def test_component_names():
    before = run_report(Cables)
    dev = f.device(role_slug="asw")
    factories.console_port(dev, "con0")
    f.power_port(dev, "psu2")
    good = f.device(role_slug="asw")
    factories.console_port(good, "console0")
    f.power_port(good, "PSU1")
    scs = f.device(role_slug="scs")
    f.console_server_port(scs, "ttyS1")
    pdu = f.device(role_slug="pdu")
    f.power_outlet(pdu, "A1")
    planned = f.device(role_slug="asw", status="planned")  # not in service: not checked
    factories.console_port(planned, "con0")

    tests = run_report(Cables)
    assert_conventions(tests)
    console = tests["test_console_port_termination_names"]
    assert lines_about(console, dev) == [("failure", "incorrectly named console port cable termination: con0")]
    assert lines_about(console, good) == lines_about(console, planned) == []
    assert summary_count(console) == summary_count(before["test_console_port_termination_names"]) + 1
    assert lines_about(tests["test_power_port_termination_names"], dev) == [
        ("failure", "incorrectly named power port cable termination: psu2")
    ]
    assert lines_about(tests["test_console_server_port_termination_names"], scs) == [
        ("failure", "incorrectly named console server port cable termination: ttyS1")
    ]
    assert lines_about(tests["test_power_outlet_termination_names"], pdu) == [
        ("failure", "incorrectly named power outlet cable termination: A1")
    ]


@pytest.mark.django_db
def test_interface_names():
    switch = f.device(role_slug="asw")
    f.interface(switch, "xe-0/0/1")
    f.interface(switch, "Gi0/1")
    nokia = f.device(role_slug="asw", dtype=factories.device_type("7220 IXR-D2L", "Nokia"))
    f.interface(nokia, "ethernet-1/1")
    f.interface(nokia, "xe-0/0/2")
    server = f.device(role_slug="server")
    f.interface(server, "weird name")  # server names come from the PuppetDB import: not checked

    result = run_report(Cables)["test_interface_termination_names"]
    assert lines_about(result, switch) == [("failure", "incorrectly named interface cable termination: Gi0/1")]
    assert lines_about(result, nokia) == [("failure", "incorrectly named interface cable termination: xe-0/0/2")]
    assert lines_about(result, server) == []


@pytest.mark.django_db
def test_cable_labels():
    pop = f.site(f.unique("pop"))
    before = run_report(Cables)
    switch = f.device(role_slug="asw", site_obj=pop)
    peer = f.device(role_slug="cr", site_obj=pop)
    label = f.unique("#")
    first = f.cable(f.interface(switch), f.interface(peer), label=label)
    second = f.cable(f.interface(switch), f.interface(peer), label=f" {label} ")
    elsewhere = f.device(role_slug="asw")
    other_site = f.cable(f.interface(elsewhere), f.interface(f.device(role_slug="cr")), label=label)
    blank = f.cable(f.interface(switch), f.interface(peer))
    vc = f.cable(f.interface(switch, f.unique("vcp-0/0/")), f.interface(peer))
    planned = f.cable(f.interface(switch), f.interface(peer), status="planned")
    eqiad = f.site("eqiad")
    core_server = f.cable(
        f.interface(f.device(role_slug="asw", site_obj=eqiad)), f.interface(f.device(site_obj=eqiad), "eno1")
    )

    tests = run_report(Cables)
    assert_conventions(tests)
    duplicates = tests["test_duplicate_cable_label"]
    expected = [("failure", f"duplicate cable label (site {pop.slug})")]
    assert lines_about(duplicates, first) == lines_about(duplicates, second) == expected
    assert lines_about(duplicates, other_site) == []
    blanks = tests["test_blank_cable_label"]
    assert lines_about(blanks, blank) == [("failure", f"blank cable label (site {pop.slug})")]
    assert lines_about(blanks, vc) == [("warning", f"VC link with no cable ID (site {pop.slug})")]
    assert lines_about(blanks, planned) == lines_about(blanks, core_server) == []
    assert summary_count(blanks) == summary_count(before["test_blank_cable_label"]) + 3


@pytest.mark.django_db
def test_unterminated_cable():
    switch = f.device(role_slug="asw")
    gone = f.device(role_slug="server")
    cable = f.cable(f.interface(switch), f.interface(gone, "eno1"), label=f.unique("#"))
    whole = f.cable(f.interface(switch), f.interface(f.device(), "eno1"), label=f.unique("#"))
    gone.delete()

    result = run_report(Cables)["test_unterminated_cable"]
    assert lines_about(result, cable) == [("failure", "Unterminated cable, should be connected on both sides.")]
    assert lines_about(result, whole) == []


def add_cabled_pair(site, n: int) -> None:
    for _ in range(n):
        switch = f.device(role_slug="asw", site_obj=site)
        server = f.device(site_obj=site)
        factories.console_port(switch, "con0")
        f.power_port(server, "psu9")
        f.cable(f.interface(switch), f.interface(server, "eno1"))
        f.cable(f.interface(switch, f.unique("vcp-0/0/")), f.interface(f.device(role_slug="asw", site_obj=site)))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    site = f.site()
    # At most: 5 naming tests x (rows + reported devices), 3 to load the cables, 1 per cable test for the reported ones.
    assert_queries_do_not_grow(Cables, lambda n: add_cabled_pair(site, n), 2, 10, most=16)
