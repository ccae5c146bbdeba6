import re
from functools import cached_property

from netbox_wmf_ops.checks import Finding
from netbox_wmf_ops.checks import cables as rules
from netbox_wmf_ops.loaders import cables as loader
from netbox_wmf_ops.reporting import WmfReport

# Sites whose blank cable labels are only warned about while they are being labelled (the 2021 report's blocklist).
BLANK_LABEL_WARNING_SITES: tuple[str, ...] = ()


class Cables(WmfReport):
    """Report on various cable-related errors."""

    class Meta:
        name = "Cables"
        owner = "DC-ops"
        description = "Cable labels, unterminated cables, and the names of the components cables connect to."

    @cached_property
    def _cables(self) -> list[rules.CableRecord]:
        return loader.load_cables()  # shared by the three cable tests of one run

    def _emit_about_cables(self, findings: list[Finding]) -> None:
        self.emit(loader.resolve_objects(findings, loader.cables()))

    def _emit_about_devices(self, findings: list[Finding]) -> None:
        self.emit(loader.resolve_objects(findings, loader.devices()))

    def _check_names(self, label: str, pattern: re.Pattern) -> None:
        self._emit_about_devices(rules.check_component_names(loader.load_component_names(label), pattern, label))

    def test_blank_cable_label(self):
        self._emit_about_cables(rules.check_blank_labels(self._cables, BLANK_LABEL_WARNING_SITES))

    def test_console_port_termination_names(self):
        self._check_names("console port", rules.CONSOLE_PORT_NAME)

    def test_console_server_port_termination_names(self):
        self._check_names("console server port", rules.CONSOLE_SERVER_PORT_NAME)

    def test_duplicate_cable_label(self):
        self._emit_about_cables(rules.check_duplicate_labels(self._cables))

    def test_interface_termination_names(self):
        self._emit_about_devices(rules.check_interface_names(loader.load_interface_names()))

    def test_power_outlet_termination_names(self):
        self._check_names("power outlet", rules.POWER_OUTLET_NAME)

    def test_power_port_termination_names(self):
        self._check_names("power port", rules.POWER_PORT_NAME)

    def test_unterminated_cable(self):
        self._emit_about_cables(rules.check_unterminated(self._cables))
