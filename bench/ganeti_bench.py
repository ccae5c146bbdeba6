"""Ganeti sync speed on a cluster served by the fake RAPI, with 1,000 VMs per unit of bench scale (1,000 at scale 1.0,
10,000 at 10): targets at scale 1.0 < 3 s when NetBox already matches, < 5 s with 10 % of the VMs changed (updates,
moves, creations, deletions), and a query count that does not grow with the VM count. Every sync commits, as the
job's do (one transaction each): bench/run.py runs this group on a clone of its own (``COMMITS``)."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable

from bench.timing import Figures, measure

INSTANCES_PER_SCALE = 1000
COMMITS = frozenset({"sync"})


def _sync() -> Figures:
    instances = max(20, round(INSTANCES_PER_SCALE * float(os.environ.get("WMF_OPS_BENCH_SCALE", "1.0"))))
    yield from _measure(instances, repeat=3)


def groups() -> dict[str, Callable[[], Figures]]:
    return {"sync": _sync}


def _measure(instances: int, repeat: int) -> Figures:
    from netbox_wmf_ops.ganeti.sync import sync_profile
    from tests import factories
    from tests.factories import ganeti as fg

    site = factories.site()
    fake = fg.cluster(instances=instances, seed=42, groups=4, nodes_per_group=5)
    fg.node_devices(fake, site)
    with fg.server(fake) as srv:
        profile = fg.profile(srv, site, timeout=(5.0, 60.0))
        started = time.perf_counter()
        first = sync_profile(profile, commit=True)
        initial = {
            "initial import s": round(time.perf_counter() - started, 3),
            "initial import changes": first.change_count,
            **{f"initial import {phase} s": round(seconds, 2) for phase, seconds in first.timings.items()},
        }
        del first  # its plan holds every VM: the runs below would pay for it in each garbage collection

        def noop() -> None:
            result = sync_profile(profile, commit=True)
            assert result.change_count == 0 and not result.failed, result.summary()

        yield (
            "Ganeti sync, nothing to change",
            {
                **measure(noop, repeat=repeat),
                "work": "fleet",
                "instances": instances,
                **initial,
            },
        )

        rounds = itertools.count()
        changes = {}

        def ten_percent_changed() -> None:
            _change_ten_percent(fake, next(rounds))
            result = sync_profile(profile, commit=True)
            assert not result.failed and result.applied, [line.message for line in result.lines][-5:]
            changes["count"] = result.change_count

        measured = measure(ten_percent_changed, repeat=repeat)
        yield (
            "Ganeti sync, 10 % of the VMs changed",
            {
                **measured,
                "work": "writes",  # 10 % of the VMs: the writes grow with the cluster, the queries per change must not
                "instances": instances,
                "changes": changes["count"],
                "queries per change": round(measured["queries"] / changes["count"], 1),
                "detail": "60 % updates, 20 % moves, 10 % creations, 10 % deletions",
            },
        )


def _change_ten_percent(fake, round_number: int) -> None:
    """Change 10 % of the instances: field updates, moves to another node group, removals and additions."""
    count = len(fake.instances) // 10
    chosen = fake.instances[:count]
    updates, moves = chosen[: count * 6 // 10], chosen[count * 6 // 10 : count * 8 // 10]
    removals = chosen[count * 8 // 10 : count * 9 // 10]
    for inst in updates:
        inst.vcpus += 1
        inst.memory += 1024
    for inst in moves:
        group = next(n.group for n in fake.nodes if n.name == inst.pnode)
        fake.move_instance(inst.name, fake.groups[(fake.groups.index(group) + 1) % len(fake.groups)])
    for inst in removals:
        fake.remove_instance(inst.name)
    for index in range(len(removals)):
        fake.add_instance(f"benchvm{round_number:02d}{index:04d}", group=fake.groups[index % len(fake.groups)])
