"""AddSecondaryIPs (docs/behaviour-reference.md §2.8): extra IPv4 addresses on a server's primary interface. Commits by
default, as the original. The logic lives in ``netbox_wmf_ops.lifecycle.add_secondary_ips``."""

from dcim.models import Device
from extras.scripts import ChoiceVar, ObjectVar

from netbox_wmf_ops.lifecycle.add_secondary_ips import create_addresses, load_context
from netbox_wmf_ops.lifecycle.planning.add_secondary_ips import MAX_ADDITIONAL, parse_count
from netbox_wmf_ops.scripting import LifecycleScript


class AddSecondaryIPs(LifecycleScript):
    """Assign additional IPv4 addresses, named after the host, to a server's primary interface."""

    class Meta(LifecycleScript.Meta):
        name = "Assign additional IPv4 addresses to host"
        description = "Assign's additional IPv4 addresses to a host's primary int (principally for Cassandra instances)"
        commit_default = True

    device = ObjectVar(
        description="Server. (Required)",
        model=Device,
        query_params={"role": "server", "has_primary_ip": True},
    )
    additional_ips = ChoiceVar(
        choices=[(i, i) for i in range(1, MAX_ADDITIONAL + 1)],
        label="How many additional IPs to assign",
        description=(
            "This many additional IPv4s will be allocated and their DNS name will be set to $HOSTNAME-a, "
            "$HOSTNAME-b, etc."
        ),
    )

    def perform(self, data):
        self.log_info(f"Called with parameters: {data}")
        context = load_context(data["device"], parse_count(data.get("additional_ips")))
        create_addresses(context, self.service_log())
        self.log_success("Additional IPs added, please run sre.dns.netbox cookbook to update DNS records")
        return self.job_output()
