"""ReplaceDevice (docs/behaviour-reference.md §2.7): move a device's attributes, cables and addresses to its replacement
(RMA).
The logic lives in ``netbox_wmf_ops.lifecycle.replace_device``."""

from dcim.models import Device
from extras.scripts import BooleanVar, ObjectVar, Script
from utilities.exceptions import AbortScript

from netbox_wmf_ops.lifecycle.common import format_logs, script_log
from netbox_wmf_ops.lifecycle.replace_device import RefusedError, apply_replacement, load_sides, plan_replacement


class ReplaceDevice(Script):
    """Give the replacement device the old one's name, placement, addresses and components."""

    class Meta:
        name = "Move devices attributes"
        description = (
            "Move all attributes (cables, etc) from one device to the other. To be used for RMAs and other in place "
            "replacement. Note that existing attributes on the new device will be deleted."
        )
        commit_default = False
        scheduling_enabled = False

    source_device = ObjectVar(label="Old device name", description="Old device (Required)", model=Device)
    destination_device = ObjectVar(label="New device name", description="Replacement device (Required)", model=Device)
    already_racked = BooleanVar(
        label="Already racked",
        required=False,
        description=(
            "The replacement device is already racked at its definitive location. If checked, the script does NOT "
            "touch racking, console and power."
        ),
    )
    move_inventory = BooleanVar(
        label="Move inventory items", required=False, description="By default does NOT touch the inventory items."
    )

    def run(self, data, commit):
        source, destination = data.get("source_device"), data.get("destination_device")
        if source is None or destination is None:
            raise AbortScript("Both the old and the new device are required")
        try:
            src_side, dst_side, src, dst, old_name_taken = load_sides(source, destination)
            plan = plan_replacement(
                src_side,
                dst_side,
                already_racked=bool(data.get("already_racked")),
                move_inventory=bool(data.get("move_inventory")),
                old_name_taken=old_name_taken,
            )
        except RefusedError as e:
            raise AbortScript(str(e)) from e
        # Errors past this point propagate: NetBox logs them and rolls every change back (the original caught them
        # and kept a half-done replacement).
        apply_replacement(plan, src, dst, script_log(self))
        return format_logs(self.messages)
