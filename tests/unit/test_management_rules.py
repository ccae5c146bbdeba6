from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks.management import ConsoleState, check_console_ports


def test_console_port_rules_and_summary_last():
    findings = check_console_ports(
        [
            ConsoleState("asw1", console_ports=0, cabled_console_ports=0),
            ConsoleState("cr1", console_ports=2, cabled_console_ports=0),
            ConsoleState("mr1", console_ports=1, cabled_console_ports=1),
            ConsoleState("pfw1", console_ports=2, cabled_console_ports=1),
        ]
    )
    assert findings == [
        Finding("failure", "asw1", "missing console port"),
        Finding("failure", "cr1", "missing connected console port"),
        Finding("success", None, "2 devices with connected ports"),
    ]


def test_no_devices_still_gives_a_summary():
    assert check_console_ports([]) == [Finding("success", None, "0 devices with connected ports")]
