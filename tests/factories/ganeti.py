"""Builders for the Ganeti sync tests: a fake RAPI cluster whose nodes exist as NetBox devices, and its profile."""

from __future__ import annotations

from dcim.models import Device, Site

from dev.fakes.ganeti_rapi import FakeCluster, FakeRapiServer, generate_cluster
from netbox_wmf_ops.ganeti.config import GanetiProfile, RapiEndpoint
from tests import factories

RAPI_USER, RAPI_PASSWORD = "netbox-ro", "rapi-test-password"


def cluster(instances: int = 30, *, seed: int = 5, groups: int = 2, nodes_per_group: int = 3) -> FakeCluster:
    """A small generated cluster with node names unique to this call (tests share the database with the demo fleet)."""
    prefix = factories.unique("gnt")
    return generate_cluster(
        seed=seed,
        instances=instances,
        groups=groups,
        nodes_per_group=nodes_per_group,
        node_prefix=prefix,
        instance_prefix=f"{prefix}-",
    )


def server(fake: FakeCluster, **kwargs) -> FakeRapiServer:
    return FakeRapiServer(fake, users={RAPI_USER: RAPI_PASSWORD}, **kwargs)


def node_devices(fake: FakeCluster, site: Site) -> list[Device]:
    """One server device per Ganeti node, named by its short name, at ``site``."""
    return [factories.device(node.name.split(".", 1)[0], role_slug="server", site_obj=site) for node in fake.nodes]


def profile(srv: FakeRapiServer, site: Site, name: str | None = None, **endpoint) -> GanetiProfile:
    values = {"url": srv.url, "user": RAPI_USER, "password": RAPI_PASSWORD, "timeout": (2.0, 5.0)} | endpoint
    return GanetiProfile(name=name or factories.unique("ganeti-test"), site=site.slug, endpoint=RapiEndpoint(**values))


def instance_names(fake: FakeCluster) -> set[str]:
    """Short names of the instances; the VM names NetBox should end up with."""
    return {i.name.split(".", 1)[0] for i in fake.instances}
