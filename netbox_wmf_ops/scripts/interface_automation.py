"""Interface automation (docs/behaviour-reference.md §2.1): make a host's interfaces, IPs, cables and switch ports match
its PuppetDB facts.

Cookbooks call it as ``POST /api/extras/scripts/wmf_ops_interface_automation.ImportPuppetDB/`` with
``{"data": {"device": "<host>"}, "commit": true}``. The logic lives in ``netbox_wmf_ops.puppetdb.importer``."""

from extras.scripts import Script, StringVar

from netbox_wmf_ops.puppetdb.client import PuppetDBError, config_from_settings, make_client
from netbox_wmf_ops.puppetdb.importer import import_hosts


class ImportPuppetDB(Script):
    """Access PuppetDB and resolve interface and IP address differences."""

    class Meta:
        name = "Import Interfaces, IPAddresses, Cables and switch ports from PuppetDB"
        description = "Access PuppetDB and resolve interface and IP address differences."
        commit_default = False
        scheduling_enabled = False

    device = StringVar(label="Devices", description="The device name(s) to import interface(s) for (space separated)")

    def run(self, data, commit):
        try:
            client = make_client(config_from_settings())
        except (PuppetDBError, ValueError) as exc:
            self.log_failure(f"PuppetDB is not usable: {exc}")
            return ""
        try:
            result = import_hosts(data["device"].split(), client, self._log_line, commit=commit)
        finally:
            client.close()
        if not commit:
            self.log_info(f"Dry run: {sum(len(p.changes) for p in result.plans)} changes planned, none made.")
        # The job output is the full plan, one line per change (the log holds the spec's messages).
        return result.describe()

    def _log_line(self, level: str, message: str) -> None:
        getattr(self, f"log_{level}")(message)
