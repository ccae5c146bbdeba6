"""OfflineDevice (docs/behaviour-reference.md §2.3): offline decommissioned devices, unrack them and delete their
interfaces, IPs and cables. The logic lives in ``netbox_wmf_ops.lifecycle.offline_device``."""

from extras.scripts import StringVar

from netbox_wmf_ops.lifecycle.offline_device import apply_offline, load_devices
from netbox_wmf_ops.lifecycle.planning.offline_device import parse_names, plan_offline
from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.scripting import LifecycleScript


class OfflineDevice(LifecycleScript):
    """Set decommissioned devices offline, unrack them and delete their interfaces with their IPs and cables."""

    class Meta(LifecycleScript.Meta):
        name = "Offline a device with extra actions"
        description = (
            "Set the device status to Offline (unracked), unset its position and delete all interfaces and related "
            "IP addresses."
        )

    devices = StringVar(label="Device name(s)", description="Device to be offlined, space separated if more than one")

    def perform(self, data):
        names = parse_names(data.get("devices", ""))
        if not names:
            raise Refused("No device name given")
        records, objects = load_devices(names)
        self.log_info(f"Found {len(records)} Netbox devices")
        plan = plan_offline(names, records)
        if not plan.found:
            raise Refused(f"No Netbox device found with name(s) {' '.join(names)}")

        for device, message in plan.refused:
            self.log_failure(message, obj=objects[device.pk])
        try:
            offlined = apply_offline(plan, objects, self.service_log())
        except Exception as e:
            # The spec's message (its handler named a key that does not exist); raising rolls every change back.
            raise Refused(f"Failed to offline device(s) {' '.join(names)}: {e}") from e
        for name in plan.missing:
            self.log_warning(f"Device not found: {name}")
        self.log_success(f"{offlined} devices offlined")
        return self.job_output()
