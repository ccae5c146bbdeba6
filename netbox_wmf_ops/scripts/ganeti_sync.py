from extras.scripts import BooleanVar, Script, StringVar

from netbox_wmf_ops.ganeti.service import UnknownProfileError, configured_profiles, run_profile


class GanetiSync(Script):
    """Make NetBox's clusters, node devices and VMs match a Ganeti cluster (one configured profile)."""

    class Meta:
        name = "Ganeti sync"
        description = (
            "Sync node groups, nodes and instances of a Ganeti cluster into NetBox. Dry-run by default; refuses to "
            "delete more than the configured share of a cluster's VMs unless forced."
        )
        commit_default = False
        scheduling_enabled = False  # scheduled runs are the per-profile background job

    profile = StringVar(description="Ganeti profile (PLUGINS_CONFIG ganeti_profiles), e.g. eqiad")
    force = BooleanVar(required=False, default=False, description="Apply even a mass deletion refused by the guard")

    def run(self, data, commit):
        try:
            result = run_profile(data["profile"], commit=commit, force=bool(data.get("force")))
        except UnknownProfileError as e:
            self.log_failure(str(e))
            self.log_info(f"Configured profiles: {', '.join(sorted(configured_profiles())) or 'none'}")
            return
        for line in result.lines:
            getattr(self, f"log_{line.level}")(line.message)
        self.log_success(result.summary())
