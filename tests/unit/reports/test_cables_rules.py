import pytest

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.cables import (
    CONSOLE_PORT_NAME,
    CONSOLE_SERVER_PORT_NAME,
    POWER_OUTLET_NAME,
    POWER_PORT_NAME,
    CableEnd,
    CableRecord,
    NamedComponent,
    NamedInterface,
    check_blank_labels,
    check_component_names,
    check_duplicate_labels,
    check_interface_names,
    check_unterminated,
)


@pytest.mark.parametrize(
    ("pattern", "candidates", "matching"),
    [
        pytest.param(
            CONSOLE_PORT_NAME,
            ["console0", "console-re1", "serial0", "Console", "console", "console0 old"],
            ["console0", "console-re1", "serial0", "Console"],
            id="console-port",
        ),
        pytest.param(
            CONSOLE_SERVER_PORT_NAME,
            ["port1", "port48", "port", "Port1"],
            ["port1", "port48"],
            id="console-server-port",
        ),
        pytest.param(
            POWER_PORT_NAME,
            ["PSU1", "PEM 0", "Power Supply 1", "PS2", "psu1", "PSU"],
            ["PSU1", "PEM 0", "Power Supply 1", "PS2"],
            id="power-port",
        ),
        pytest.param(POWER_OUTLET_NAME, ["1", "24", "A1", ""], ["1", "24"], id="power-outlet"),
    ],
)
def test_component_name_patterns(pattern, candidates, matching):
    assert [name for name in candidates if pattern.fullmatch(name)] == matching


def test_component_names_fail_on_the_object_given_and_count_the_good_ones():
    findings = check_component_names(
        [NamedComponent("dev1", "console0"), NamedComponent("dev2", "con0"), NamedComponent("dev2", "serial1")],
        CONSOLE_PORT_NAME,
        "console port",
    )
    assert findings == [
        Finding("failure", "dev2", "incorrectly named console port cable termination: con0"),
        Finding("success", None, "2 correctly named console port cable terminations"),
    ]


def test_names_must_match_in_full_not_only_at_the_start():
    findings = check_component_names(
        [NamedComponent("d", "port1-spare")], CONSOLE_SERVER_PORT_NAME, "console server port"
    )
    assert findings[0] == Finding(
        "failure", "d", "incorrectly named console server port cable termination: port1-spare"
    )


def iface(name, network=True, manufacturer="juniper"):
    return NamedInterface(name, name, network, manufacturer)


def test_interface_names_on_network_devices_follow_the_validator():
    good = ["et-0/0/1", "xe-1/0/47:2", "ge-0/0/3.100", "vcp-255/1/0", "fxp0-re1", "irb.1021", "lo0", "em0", "1"]
    bad = ["et-0/0/1.1.1", "eth-0", "Ethernet1", "xe-0/0/1 ", "ethernet-1/3"]  # ethernet-1/3 is Nokia-only
    nokia = [iface("ethernet-1/3", manufacturer="nokia"), iface("xe-0/0/1", manufacturer="nokia")]
    findings = check_interface_names([iface(n) for n in good + bad] + nokia)
    failed = [f.obj for f in findings if f.level == "failure"]
    assert failed == [*bad, "xe-0/0/1"]
    assert findings[-1] == Finding("success", None, f"{len(good) + 1} correctly named interface cable terminations")


def test_interface_names_on_other_devices_follow_the_2021_list():
    good = ["mgmt", "mgmt1", "iDRAC", "ILO", "eno1", "enp59s0f1np0", "br-int", "vxlan-100", "##PRIMARY##", "et-0/0/1:2"]
    bad = ["NET MGT", "Gi0/1", "mgmt_1"]
    findings = check_interface_names([iface(n, network=False) for n in good + bad])
    assert [f.obj for f in findings if f.level == "failure"] == bad


def end(kind="interface", name="xe-0/0/1", site="eqiad", role="asw"):
    return CableEnd(kind, name, site, role)


SWITCH_END = CableEnd("interface", "xe-0/0/1", "eqiad", "asw")
SERVER_END = CableEnd("interface", "eno1", "eqiad", "server")


def cable(obj, label="", status="connected", a=(SWITCH_END,), b=(SERVER_END,)):
    return CableRecord(obj, label, status, tuple(a), tuple(b))


def test_cable_site_is_the_first_termination_site_a_side_first():
    assert cable("c", a=(end(site=None), end(site="ulsfo")), b=(end(site="eqiad"),)).site == "ulsfo"
    assert cable("c", a=(end(kind="circuittermination", site=None),), b=(end(site="eqsin"),)).site == "eqsin"
    assert cable("c", a=(end(site=None),), b=()).site == "none"


def test_duplicate_labels_per_site_ignoring_blank_and_half_terminated_cables():
    cables = [
        cable("c1", "#1234", a=(end(site="eqiad"),)),
        cable("c2", " #1234 ", a=(end(site="eqiad"),)),
        cable("c3", "#1234", a=(end(site="codfw"),)),  # other site: fine
        cable("c4", "#1234", a=(end(site="eqiad"),), b=()),  # not terminated on both sides: ignored
        cable("c5", "   "),
        cable("c6", "#99"),
    ]
    assert check_duplicate_labels(cables) == [
        Finding("failure", "c1", "duplicate cable label (site eqiad)"),
        Finding("failure", "c2", "duplicate cable label (site eqiad)"),
        Finding("success", None, "2 non-duplicate cable labels"),
    ]


def test_blank_labels():
    server_eqiad = end(name="eno1", site="eqiad", role="server")
    cables = [
        cable("labelled", "#1"),
        cable("core-server", a=(end(site="eqiad"),), b=(server_eqiad,)),  # exempt
        cable("pop-server", a=(end(site="ulsfo"),), b=(end(site="ulsfo", role="server"),)),
        cable("vc", a=(end(name="vcp-255/1/0", site="codfw"),), b=(end(name="vcp-255/1/0", site="codfw"),)),
        cable("planned", status="planned", a=(end(site="esams"),)),  # not connected: not checked
        cable("blocklisted", a=(end(site="drmrs"),), b=(end(site="drmrs"),)),
    ]
    assert check_blank_labels(cables, warning_sites=["drmrs"]) == [
        Finding("failure", "pop-server", "blank cable label (site ulsfo)"),
        Finding("warning", "vc", "VC link with no cable ID (site codfw)"),
        Finding("warning", "blocklisted", "blank cable label (site drmrs)"),
        Finding("success", None, "1 non-blank cable labels"),
    ]


def test_unterminated_cables():
    findings = check_unterminated([cable("ok"), cable("half", b=()), cable("none", a=(), b=())])
    assert findings == [
        Finding("failure", "half", "Unterminated cable, should be connected on both sides."),
        Finding("failure", "none", "Unterminated cable, should be connected on both sides."),
        Finding("success", None, "1 cables correctly connected."),
    ]
