"""Capirca host definitions (docs/behaviour-reference.md §2.9): the job output is a ready-to-use Capirca
``NETWORKS.net`` file."""

from extras.scripts import Script

from netbox_wmf_ops.lifecycle.capirca import capirca_definitions


class GetHosts(Script):
    """List every server, VM, VIP and anycast address in the Capirca NETWORKS.net format."""

    class Meta:
        name = "Capirca hosts definitions"
        description = "Returns all the Netbox hosts IPs, Anycast IPs and VIPs in a Capirca NETWORKS.net format."
        # commit_default is left to NetBox (True), as the original: the script only reads.
        job_timeout = 900
        scheduling_enabled = False

    def run(self, data, commit):
        text, hosts, groups = capirca_definitions()
        self.log_success("Generated successfully, see the output tab for result.")
        self.log_success(f"{hosts} hosts and {groups} groups defined")
        return text
