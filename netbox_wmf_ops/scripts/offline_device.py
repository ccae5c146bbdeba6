"""OfflineDevice (docs/behaviour-reference.md §2.3): offline decommissioned devices, unrack them and delete their
interfaces, IPs and cables.
The logic lives in ``netbox_wmf_ops.lifecycle.offline_device``."""

from extras.scripts import Script, StringVar
from utilities.exceptions import AbortScript

from netbox_wmf_ops.lifecycle import offline_device as service
from netbox_wmf_ops.lifecycle.common import format_logs, script_log
from netbox_wmf_ops.lifecycle.offline_device import parse_names


class OfflineDevice(Script):
    """Set decommissioned devices offline, unrack them and delete their interfaces with their IPs and cables."""

    class Meta:
        name = "Offline a device with extra actions"
        description = (
            "Set the device status to Offline (unracked), unset its position and delete all interfaces and related "
            "IP addresses."
        )
        commit_default = False
        scheduling_enabled = False

    devices = StringVar(label="Device name(s)", description="Device to be offlined, space separated if more than one")

    def run(self, data, commit):
        names = parse_names(data.get("devices", ""))
        if not names:
            raise AbortScript("No device name given")
        records, objects = service.load_devices(names)
        self.log_info(f"Found {len(records)} Netbox devices")
        plan = service.plan_offline(names, records)
        if not plan.found:
            raise AbortScript(f"No Netbox device found with name(s) {' '.join(names)}")

        for device, message in plan.refused:
            self.log_failure(message, obj=objects[device.pk])
        try:
            offlined = service.apply_offline(plan, objects, script_log(self))
        except Exception as e:
            # The spec's message (its handler named a key that does not exist); raising rolls every change back.
            raise AbortScript(f"Failed to offline device(s) {' '.join(names)}: {e}") from e
        for name in plan.missing:
            self.log_warning(f"Device not found: {name}")
        self.log_success(f"{offlined} devices offlined")
        return format_logs(self.messages)
