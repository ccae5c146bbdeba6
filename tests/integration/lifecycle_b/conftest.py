"""Run the scripts the NetBox way (``ScriptJob`` on the registered ``Script`` row, in the job's own transaction) and
compare database snapshots to prove that a refused run writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from core.models import Job
from dcim.models import Cable, Device, Interface, MACAddress
from extras.jobs import ScriptJob
from extras.models import Script
from ipam.models import IPAddress

from netbox_wmf_ops.registration import register_shipped_scripts

REVERTED = "Database changes have been reverted automatically."
REVERTED_ON_ERROR = "Database changes have been reverted due to error."


@dataclass
class Run:
    job: Job

    @property
    def log(self) -> list[tuple[str, str]]:
        return [(m["status"], m["message"]) for m in self.job.data["log"]]

    @property
    def output(self) -> str:
        return self.job.data["output"]

    def messages(self, status: str) -> list[str]:
        return [message for level, message in self.log if level == status]

    @property
    def aborted_with(self) -> str | None:
        prefix = "Script aborted with error: "
        found = [m[len(prefix) :] for m in self.messages("failure") if m.startswith(prefix)]
        return found[0] if found else None


@pytest.fixture(scope="session")
def registered_scripts(django_db_setup, django_db_blocker):
    # The template database was registered before these modules existed: add their shims (idempotent).
    with django_db_blocker.unblock():
        register_shipped_scripts()


@pytest.fixture
def run_script(registered_scripts, admin_user):
    def run(module: str, name: str, data: dict, commit: bool = True) -> Run:
        script = Script.objects.get(module__file_path=f"wmf_ops_{module}.py", name=name)
        job = ScriptJob.enqueue(instance=script, user=admin_user, immediate=True, data=data, commit=commit)
        job.refresh_from_db()
        return Run(job)

    return run


def db_state() -> dict:
    """Everything the lifecycle scripts may write, as comparable values."""
    return {
        "interfaces": sorted(
            Interface.objects.values_list(
                "pk", "device_id", "name", "type", "mode", "mtu", "enabled", "untagged_vlan_id", "cable_id"
            )
        ),
        "tagged": sorted(Interface.tagged_vlans.through.objects.values_list("interface_id", "vlan_id")),
        "ips": sorted(IPAddress.objects.values_list("pk", "address", "dns_name", "assigned_object_id")),
        "cables": sorted(Cable.objects.values_list("pk", "label", "color", "type")),
        "macs": MACAddress.objects.count(),
        "devices": sorted(
            Device.objects.values_list("pk", "rack_id", "position", "primary_ip4_id", "primary_ip6_id", "oob_ip_id")
        ),
    }
