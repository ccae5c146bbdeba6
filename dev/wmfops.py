#!/usr/bin/env python3
"""Developer tool behind `make demo`, `make stop`, `make test` and `make bench`: services, template databases,
instances (the work is done by the modules of dev/tooling/, one per concern).

Runs with the project's virtualenv Python (stdlib + psycopg from NetBox's dependencies). Everything it creates lives
in `.state/` or in PostgreSQL databases it marks with a `netbox-wmf-ops:` comment; it never drops a database
without that mark.

    wmfops.py services                 ensure PostgreSQL and Redis answer (local ones, or project-local instances)
    wmfops.py template --scale S       ensure the migrated base template and the demo-fleet template at scale S
    wmfops.py test-prepare             everything the test suite needs; prints the environment for pytest
    wmfops.py demo [--scale S]         a running NetBox with the plugin and demo data on 127.0.0.1:8000
    wmfops.py stop                     stop the demo server and worker (and project-local services)
"""

from __future__ import annotations

import argparse
import sys

from tooling.common import DEFAULT_SEED, TEST_SCALE, SetupError, log
from tooling.databases import drop_own_database
from tooling.demo import demo, demo_reset, stop_demo_processes
from tooling.services import ensure_services, stop_local_services
from tooling.templates import build_fleet_template
from tooling.testing import bench_prepare, test_prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("services")
    tmpl = sub.add_parser("template")
    tmpl.add_argument("--scale", type=float, default=TEST_SCALE)
    tmpl.add_argument("--seed", type=int, default=DEFAULT_SEED)
    sub.add_parser("test-prepare")
    demo_parser = sub.add_parser("demo")
    demo_parser.add_argument("--scale", type=float, default=1.0)
    demo_parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    sub.add_parser("demo-reset")
    bench_parser = sub.add_parser("bench-prepare")
    bench_parser.add_argument("--scale", type=float, default=1.0)
    bench_parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    bench_parser.add_argument("--db", default="wmf_ops_bench")
    sub.add_parser("bench-drop").add_argument("--db", required=True)
    sub.add_parser("stop")
    args = parser.parse_args()
    try:
        if args.command == "services":
            ensure_services()
        elif args.command == "template":
            print(build_fleet_template(ensure_services(), args.scale, args.seed))
        elif args.command == "test-prepare":
            test_prepare()
        elif args.command == "demo":
            demo(args.scale, args.seed)
        elif args.command == "bench-prepare":
            bench_prepare(args.scale, args.seed, args.db)
        elif args.command == "bench-drop":
            drop_own_database(ensure_services(), args.db)
        elif args.command == "demo-reset":
            demo_reset()
        elif args.command == "stop":
            stop_demo_processes()
            stop_local_services()
            log("stopped")
    except SetupError as exc:
        print(f"wmfops: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
