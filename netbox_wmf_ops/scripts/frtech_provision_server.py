"""ProvisionFundraisingServerNetwork (docs/behaviour-reference.md §2.5): a fr-tech server cabled to the rack's two
fr-tech switches, its two links bonded. The logic lives in ``netbox_wmf_ops.lifecycle.provision_frack``."""

from dcim.models import Device
from extras.scripts import ChoiceVar, IntegerVar, ObjectVar, StringVar

from netbox_wmf_ops import policy
from netbox_wmf_ops.lifecycle.planning.provision import PROVISIONABLE_STATUSES
from netbox_wmf_ops.lifecycle.planning.provision_frack import FRACK_VLAN_TYPES, MAX_PORT, MIN_PORT
from netbox_wmf_ops.lifecycle.planning.switch_ports import INTERFACE_TYPE_CHOICES
from netbox_wmf_ops.lifecycle.provision_frack import FrackRequest, provision_frack_server
from netbox_wmf_ops.scripting import LifecycleScript


class ProvisionFundraisingServerNetwork(LifecycleScript):
    """Provision one inventory/planned fr-tech server on the rack's two fr-tech switches: bond0 with the primary IPv4,
    mgmt with the out-of-band IP, the two switch ports, the bond members and their cables."""

    class Meta(LifecycleScript.Meta):
        name = "Fundraising Server Provision for Dual-Switch Uplinks"
        description = "More exactly: IPs, interfaces (including mgmt and switch), vlan."

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

    def perform(self, data):
        self.log_info(f"Called with parameters: {data}")
        provision_frack_server(FrackRequest.from_form(data), self.service_log())
        self.log_success("1 server provisioned")
        return self.job_output()
