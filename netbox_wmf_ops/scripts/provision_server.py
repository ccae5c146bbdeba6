"""ProvisionServerNetwork and ProvisionServerNetworkCSV (docs/behaviour-reference.md §2.4): a new server's primary
interface and IPs, switch port, cable and mgmt interface. The logic lives in ``netbox_wmf_ops.lifecycle.provision``."""

from dcim.models import Device
from extras.scripts import ChoiceVar, FileVar, IntegerVar, ObjectVar, StringVar
from ipam.models import VLAN

from netbox_wmf_ops.lifecycle.common import log_warnings
from netbox_wmf_ops.lifecycle.planning.provision import (
    MAC_RE,
    MAX_PORT,
    MIN_PORT,
    PROVISIONABLE_STATUSES,
    VLAN_TYPES,
    read_upload,
)
from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.switch_ports import INTERFACE_TYPE_CHOICES, TOR_ROLES
from netbox_wmf_ops.lifecycle.provision import ProvisionRequest, apply_provision, check_csv, provision_server
from netbox_wmf_ops.scripting import LifecycleScript

DESCRIPTION = "More exactly: IPs, interfaces (including mgmt and switch), primary cable, vlan."


class ProvisionServerNetwork(LifecycleScript):
    """Provision one inventory/planned server: IPs, interfaces (including mgmt and switch), primary cable, VLAN."""

    class Meta(LifecycleScript.Meta):
        name = "Provision a server's network attributes"
        description = DESCRIPTION

    device = ObjectVar(
        model=Device,
        query_params={"role": "server", "status": list(PROVISIONABLE_STATUSES), "has_primary_ip": "false"},
        description="Inventory or planned server. (Required)",
    )
    z_port = IntegerVar(label="Switch port", min_value=MIN_PORT, max_value=MAX_PORT)
    interface_type = ChoiceVar(label="Interface type/speed", choices=INTERFACE_TYPE_CHOICES)
    cable_id = StringVar(label="Cable ID", required=False)
    z_nbdevice = ObjectVar(
        model=Device,
        label="Switch",
        required=False,
        query_params={"role": list(TOR_ROLES)},
        description="Top of rack switch, optional, if not set will try to find it automatically.",
    )
    vlan_type = ChoiceVar(label="VLAN Type", required=False, choices=(("", "---------"), *((t, t) for t in VLAN_TYPES)))
    vlan = ObjectVar(model=VLAN, label="VLAN", required=False, query_params={"group": "production", "status": "active"})
    mgmt_mac = StringVar(label="mgmt MAC address", required=False, regex=MAC_RE.pattern)

    def perform(self, data):
        self.log_info(f"Called with parameters: {data}")
        provision_server(ProvisionRequest.from_form(data), self.service_log())
        self.log_success("1 server provisioned")
        return self.job_output()


class ProvisionServerNetworkCSV(LifecycleScript):
    """Provision several servers from a CSV: every row is checked first; if any row is refused nothing is written."""

    class Meta(LifecycleScript.Meta):
        name = "Provision multiple servers network attributes from a CSV"
        description = DESCRIPTION

    csv_file = FileVar(
        label="CSV import",
        description=(
            "Columns: device, z_nbdevice, vlan, vlan_type, z_port, interface_type, cable_id and optionally mgmt_mac. "
            "Every row is checked before any change: one refused row and nothing is written."
        ),
    )

    def perform(self, data):
        text = read_upload(data.get("csv_file") or b"")
        plans, failures = check_csv(text)
        for obj, message in failures:
            self.log_failure(message, obj)
        if failures:
            raise Refused(f"{len(failures)} CSV rows refused, nothing provisioned")
        if not plans:
            raise Refused("The CSV file has no rows, nothing provisioned")
        log = self.service_log()
        for plan in plans:
            log_warnings(plan, log)
        for plan in plans:
            apply_provision(plan, log)
        self.log_success(f"{len(plans)} servers provisioned")
        return self.job_output()
