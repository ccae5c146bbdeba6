"""Committed users, tokens, permissions and scripts for the security tests.

The script proxy runs scripts in a worker thread with its own database connection, which sees committed rows only,
so everything here is committed once per test session (unique names; nothing else depends on these rows)."""

from __future__ import annotations

from dataclasses import dataclass

from dcim.models import Device, Site
from users.models import User

from tests.factories import unique
from tests.factories.scripts import script_module
from tests.factories.users import grant, token, user

SCRIPT_MODULE = "opskit_securitytest.py"
SCRIPTS = b"""
import time
from extras.models import Tag
from extras.scripts import IntegerVar, Script, StringVar


class Writer(Script):
    tag = StringVar(max_length=100)

    def run(self, data, commit):
        Tag.objects.create(name=data["tag"], slug=data["tag"])
        return f"created {data['tag']}"


class Echo(Script):
    text = StringVar(required=False, default="", max_length=1000)
    count = IntegerVar(required=False, default=1, min_value=1, max_value=10)

    def run(self, data, commit):
        return f"{data['text']}x{data['count']}"


class Slow(Script):
    seconds = IntegerVar(default=2, max_value=30)

    def run(self, data, commit):
        time.sleep(data["seconds"])
        return "late"
"""
STATS = "wmf_ops_device_stats.GetDeviceStats"
WRITER = "opskit_securitytest.Writer"
ECHO = "opskit_securitytest.Echo"
SLOW = "opskit_securitytest.Slow"
ALLOWED = [STATS, WRITER, ECHO, SLOW]

# What a "full" user may view (unconstrained): scripts, devices, IP addresses (the DNS export) and every exported model.
VIEW_MODELS = ["extras.script", "dcim.device", "dcim.site", "ipam.ipaddress"]


@dataclass
class World:
    """Users and their Authorization headers. ``constrained`` sees the devices of one site, the addresses of one
    prefix and may run only the device statistics script; ``full`` holds the same permissions unconstrained."""

    anonymous: None
    noperm: User
    constrained: User
    full: User
    superuser: User
    readonly_token: str  # of ``full``
    write_token: str  # of ``full``
    noperm_token: str
    constrained_token: str
    superuser_token: str
    constrained_site: Site
    constrained_devices: int
    finding: int  # pk of an open finding about a device of ``constrained_site`` (the data-quality rows)
    hidden_finding: int  # pk of an open finding about a device ``constrained`` may not view
    checkrun: int  # pk of the run that recorded both


def build_world() -> World:
    script_module(SCRIPT_MODULE, SCRIPTS)
    site = Site.objects.filter(devices__isnull=False).order_by("pk").first()
    noperm, constrained, full, superuser = user(), user(), user(), user(superuser=True)
    grant(full, VIEW_MODELS, ["view"])
    grant(full, ["extras.script"], ["run"])
    grant(constrained, ["dcim.device"], ["view"], {"site_id": site.pk})
    grant(constrained, ["dcim.site"], ["view"], {"id": site.pk})
    grant(constrained, ["ipam.ipaddress"], ["view"], {"address__net_contained": "10.0.0.0/8"})
    grant(constrained, ["extras.script"], ["view", "run"], {"name": "GetDeviceStats"})
    # Data quality: ``full`` and ``constrained`` may view findings and runs; which findings ``constrained`` sees is
    # limited by the devices it may view (the finding's object), not by a constraint on findings.
    grant(full, ["netbox_wmf_ops.finding", "netbox_wmf_ops.checkrun"], ["view"])
    grant(constrained, ["netbox_wmf_ops.finding", "netbox_wmf_ops.checkrun"], ["view"])
    finding, hidden_finding, checkrun = record_findings(site)
    return World(
        anonymous=None,
        noperm=noperm,
        constrained=constrained,
        full=full,
        superuser=superuser,
        readonly_token=token(full, write_enabled=False),
        write_token=token(full, write_enabled=True),
        noperm_token=token(noperm, write_enabled=True),
        constrained_token=token(constrained, write_enabled=True),
        superuser_token=token(superuser, write_enabled=True),
        constrained_site=site,
        constrained_devices=Device.objects.filter(site=site).count(),
        finding=finding,
        hidden_finding=hidden_finding,
        checkrun=checkrun,
    )


def record_findings(site: Site) -> tuple[int, int, int]:
    """One run of a test report recording a failure about a device of ``site`` and one about a device elsewhere."""
    from netbox_wmf_ops.checks import failure
    from netbox_wmf_ops.models import Finding
    from netbox_wmf_ops.quality.service import record_run, start_run

    inside = Device.objects.filter(site=site).order_by("pk").first()
    outside = Device.objects.exclude(site=site).order_by("pk").first()
    report = unique("wmf_ops_security.Matrix")
    run = start_run(report, door="command")
    record_run(
        run,
        tests_run=["test_matrix"],
        findings=[
            ("test_matrix", failure(inside, "inside the constrained site", rule="security.matrix")),
            ("test_matrix", failure(outside, "outside the constrained site", rule="security.matrix")),
        ],
    )
    findings = Finding.objects.filter(report=report)
    return findings.get(object_id=inside.pk).pk, findings.get(object_id=outside.pk).pk, run.pk
