"""A deterministic, Wikimedia-shaped fleet: ``plan_fleet(scale, seed)`` → ``FleetPlan``. Pure Python, no Django.

The plan is built in three passes: a clean fleet (sites, rows, racks, network gear, servers, addressing, VMs), then
the seeded defects (each mutates objects no other defect touched, and records them in ``plan.defects``), then the
external systems' view of the fleet (PuppetDB, LibreNMS, the Accounting sheet, Ganeti RAPI), which mirrors NetBox
except where a defect says otherwise. Same (scale, seed) → the same plan, byte for byte.

Sizes at scale 1.0: ~2,000 servers and ~500 network devices/PDUs in 7 sites, ~1,000 VMs. Counts scale linearly,
with minimums (every site, row, role, status and defect kind exists at any scale > 0).
"""

from __future__ import annotations

import argparse

from .builder import FleetBuilder
from .clean_fleet import (
    plan_core_network,
    plan_dns_edges,
    plan_frack_racks,
    plan_gateways,
    plan_organisation,
    plan_ready_to_provision,
    plan_servers,
    plan_site,
    plan_vms,
)
from .conventions import site_specs
from .defects import DEFECTS
from .external_views import plan_external_views
from .model import FleetPlan
from .seeded_defects import plant_defects, record_natural_lists

__all__ = ["MAX_SCALE", "FleetPlan", "fleet_argument_parser", "plan_fleet"]

# The largest scale the added sites' address plan holds (conventions.site_specs: 71 added sites).
MAX_SCALE = 11.0


def fleet_argument_parser(description: str) -> argparse.ArgumentParser:
    """The command line of a tool that plans the fleet: ``--scale`` and ``--seed`` (the tool adds its own options)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 2,500 devices and 1,000 VMs (default)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same fleet (default 1)")
    return parser


def plan_fleet(scale: float = 1.0, seed: int = 1) -> FleetPlan:
    """The whole fleet at ``scale`` (1.0 ≈ 2,500 devices and 1,000 VMs), deterministic for ``seed``."""
    b = FleetBuilder(scale, seed)
    plan_organisation(b)
    for spec in site_specs(scale):
        plan_site(b, spec)
    plan_core_network(b)
    for site in b.plan.sites:
        plan_servers(b, site)
    plan_vms(b)
    plan_dns_edges(b)
    plant_defects(b)
    plan_gateways(b)
    with b.substream("provisioning"):
        plan_ready_to_provision(b)
    with b.substream("frack"):
        plan_frack_racks(b)
    plan_external_views(b)
    record_natural_lists(b)
    for key in b.plan.defects:
        b.plan.defects[key] = sorted(set(b.plan.defects[key]))
    for key in DEFECTS:
        b.plan.defects.setdefault(key, [])
    return b.plan
