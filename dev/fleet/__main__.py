"""Load the demo fleet into the NetBox database that NETBOX_ROOT's configuration names:

    NETBOX_ROOT=<instance> PYTHONPATH=<checkout> python -m dev.fleet --scale 1.0 --seed 1

Meant for an empty NetBox (``dev/wmfops.py`` runs it on a freshly migrated template); see docs/demo-data.md."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dev.fleet", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 2,500 devices and 1,000 VMs (default)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same fleet (default 1)")
    parser.add_argument("--force", action="store_true", help="load even though the database already holds devices")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    import django

    django.setup()
    from .load import FleetLoadRefusedError, load_demo_fleet

    try:
        timings = load_demo_fleet(args.scale, args.seed, args.force, log=lambda line: print(line, flush=True))
    except FleetLoadRefusedError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    print(f"demo fleet loaded in {timings['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
