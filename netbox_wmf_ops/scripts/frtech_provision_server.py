"""ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5): a fr-tech server cabled to the rack's two
fr-tech switches, its two
links bonded. The logic lives in ``netbox_wmf_ops.lifecycle.provision_frack``."""

from dcim.models import Device
from extras.scripts import ChoiceVar, IntegerVar, ObjectVar, Script, StringVar
from utilities.exceptions import AbortScript

from netbox_wmf_ops import policy
from netbox_wmf_ops.lifecycle.common import INTERFACE_TYPE_CHOICES, format_logs, script_log
from netbox_wmf_ops.lifecycle.provision import PROVISIONABLE_STATUSES
from netbox_wmf_ops.lifecycle.provision_frack import (
    FRACK_VLAN_TYPES,
    MAX_PORT,
    MIN_PORT,
    FrackRequest,
    provision_frack_server,
)


class ProvisionFundraisingServerNetwork(Script):
    """Provision one inventory/planned fr-tech server on the rack's two fr-tech switches: bond0 with the primary IPv4,
    mgmt with the out-of-band IP, the two switch ports, the bond members and their cables."""

    class Meta:
        name = "Fundraising Server Provision for Dual-Switch Uplinks"
        description = "More exactly: IPs, interfaces (including mgmt and switch), vlan."
        commit_default = False
        scheduling_enabled = False

    device = ObjectVar(
        model=Device,
        query_params={
            "role": "server",
            "status": list(PROVISIONABLE_STATUSES),
            "tenant": policy.FRTECH_TENANT,
            "has_primary_ip": "false",
        },
        description="Inventory or planned fr-tech server. (Required)",
    )
    z_port = IntegerVar(
        label="Switch port",
        min_value=MIN_PORT,
        max_value=MAX_PORT,
        description="The same port number is used on both fr-tech switches.",
    )
    interface_type = ChoiceVar(label="Interface type/speed", choices=INTERFACE_TYPE_CHOICES)
    vlan_type = ChoiceVar(label="VLAN Type", choices=tuple((t, t) for t in FRACK_VLAN_TYPES))
    cable_id_a = StringVar(label="Cable ID (switch a)", required=False)
    cable_id_b = StringVar(label="Cable ID (switch b)", required=False)

    def run(self, data, commit):
        self.log_info(f"Called with parameters: {data}")
        device = data.get("device")
        if device is None:
            raise AbortScript("No server given, skipping.")
        request = FrackRequest(
            device=device,
            z_port=int(data["z_port"]),
            interface_type=data["interface_type"],
            vlan_type=data["vlan_type"],
            cable_id_a=(data.get("cable_id_a") or "").strip(),
            cable_id_b=(data.get("cable_id_b") or "").strip(),
        )
        provision_frack_server(request, script_log(self))
        self.log_success("1 server provisioned")
        return format_logs(self.messages)
