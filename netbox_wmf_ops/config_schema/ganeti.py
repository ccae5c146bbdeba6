"""Settings of the Ganeti sync (the profile shape and its validators live with the sync, in ``ganeti.config``)."""

from ..ganeti.config import validate_profiles, validate_share
from .validators import Setting, minutes_or_zero, nonempty_str

SETTINGS: dict[str, Setting] = {
    "ganeti_profiles": Setting(
        {}, validate_profiles, "Ganeti RAPI profiles: {name: {site, url, user, password, ca_cert, timeout}}."
    ),
    "ganeti_max_delete_share": Setting(
        0.1, validate_share, "Refuse a Ganeti sync deleting more than this share of a cluster's VMs."
    ),
    "ganeti_vm_role": Setting("server", nonempty_str, "Device role slug of VMs created by the Ganeti sync."),
    "ganeti_sync_interval": Setting(
        0, minutes_or_zero, "Minutes between scheduled Ganeti syncs of every profile (0 = not scheduled)."
    ),
}
