"""ReplaceDevice (docs/behaviour-reference.md §2.7): move a device's attributes, cables and addresses to its replacement
(RMA). The logic lives in ``netbox_wmf_ops.lifecycle.replace_device``."""

from dcim.models import Device
from extras.scripts import BooleanVar, ObjectVar

from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.replace_device import plan_replacement
from netbox_wmf_ops.lifecycle.replace_device import apply_replacement, load_sides
from netbox_wmf_ops.scripting import LifecycleScript


class ReplaceDevice(LifecycleScript):
    """Give the replacement device the old one's name, placement, addresses and components."""

    class Meta(LifecycleScript.Meta):
        name = "Move devices attributes"
        description = (
            "Move all attributes (cables, etc) from one device to the other. To be used for RMAs and other in place "
            "replacement. Note that existing attributes on the new device will be deleted."
        )

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

    def perform(self, data):
        source, destination = data.get("source_device"), data.get("destination_device")
        if source is None or destination is None:
            raise Refused("Both the old and the new device are required")
        src_side, dst_side, src, dst, old_name_taken = load_sides(source, destination)
        plan = plan_replacement(
            src_side,
            dst_side,
            already_racked=bool(data.get("already_racked")),
            move_inventory=bool(data.get("move_inventory")),
            old_name_taken=old_name_taken,
        )
        # Errors past this point propagate: NetBox logs them and rolls every change back (the original caught them
        # and kept a half-done replacement).
        apply_replacement(plan, src, dst, self.service_log())
        return self.job_output()
