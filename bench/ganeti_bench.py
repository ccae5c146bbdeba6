"""Ganeti sync speed on a 1,000-VM cluster served by the fake RAPI: targets < 3 s when NetBox already matches, < 5 s
with 10 % of the VMs changed (updates, moves, creations, deletions), and a query count that does not grow with the VM
count. Everything runs inside a transaction that is rolled back, so the bench database is left as it was."""

from __future__ import annotations

import itertools
import time

from bench.timing import count_queries, median_time

INSTANCES = 1000


class _RollbackError(Exception):
    pass


def run(instances: int = INSTANCES, repeat: int = 3) -> dict[str, float | int | str]:
    from django.db import transaction

    results: dict[str, float | int | str] = {}
    try:
        with transaction.atomic():
            results = _measure(instances, repeat)
            raise _RollbackError
    except _RollbackError:
        pass
    return results


def _measure(instances: int, repeat: int) -> dict[str, float | int | str]:
    from netbox_wmf_ops.ganeti.sync import sync_profile
    from tests import factories
    from tests.factories import ganeti as fg

    site = factories.site()
    fake = fg.cluster(instances=instances, seed=42, groups=4, nodes_per_group=5)
    fg.node_devices(fake, site)
    results: dict[str, float | int | str] = {"instances": instances}
    with fg.server(fake) as srv:
        profile = fg.profile(srv, site, timeout=(5.0, 60.0))
        started = time.perf_counter()
        first = sync_profile(profile, commit=True)
        results["initial import s"] = round(time.perf_counter() - started, 3)
        results["initial import changes"] = first.change_count

        def noop() -> None:
            result = sync_profile(profile, commit=True)
            assert result.change_count == 0 and not result.failed, result.summary()

        results["matching sync median s (target < 3)"] = round(median_time(noop, repeat=repeat), 3)
        results["matching sync queries"] = count_queries(noop)

        rounds = itertools.count()

        def ten_percent_changed() -> None:
            _change_ten_percent(fake, next(rounds))
            result = sync_profile(profile, commit=True)
            assert not result.failed and result.applied, [line.message for line in result.lines][-5:]
            results["10% changed changes"] = result.change_count

        results["10% changed sync median s (target < 5)"] = round(median_time(ten_percent_changed, repeat=repeat), 3)
        results["10% changed detail"] = "60 % updates, 20 % moves, 10 % creations, 10 % deletions"
    return results


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
