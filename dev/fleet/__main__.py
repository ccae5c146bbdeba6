"""Load the demo fleet into the NetBox database that NETBOX_ROOT's configuration names:

    NETBOX_ROOT=<instance> PYTHONPATH=<checkout> python -m dev.fleet --scale 1.0 --seed 1

Meant for an empty NetBox (``dev/wmfops.py`` runs it on a freshly migrated template); see docs/demo-data.md."""

from __future__ import annotations

import os
import sys

from .plan import fleet_argument_parser


def main(argv: list[str] | None = None) -> int:
    parser = fleet_argument_parser(__doc__)
    parser.prog = "python -m dev.fleet"
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
