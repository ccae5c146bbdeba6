from netbox_wmf_ops import settings
from netbox_wmf_ops.checks.management import check_console_ports
from netbox_wmf_ops.loaders.management import load_console_states
from netbox_wmf_ops.reporting import WmfReport


class ManagementConsole(WmfReport):
    """All checks related to management/console."""

    class Meta:
        name = "Management: console ports"
        owner = "DC-ops"
        description = "Network devices in service must have a console port, and the console port must be cabled."

    def test_management_console(self):
        states = load_console_states(
            settings.get("management_console_roles"), settings.get("management_console_excluded_sites")
        )
        self.emit(check_console_ports(states))
