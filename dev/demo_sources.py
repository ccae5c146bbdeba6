"""Serve the demo fleet's PuppetDB and LibreNMS views for `make demo`, so those reports run in the demo UI.

    PYTHONPATH=. python dev/demo_sources.py --scale 1.0 --seed 1 --settings-file F

Serves the fleet's facts in WMF's PuppetDB microservice format (``/v1/facts``, ``dev/puppetdb_harness.py``), the
servers' networking and LLDP facts included (so the interface import can be tried),
(re)creates the LibreNMS database ``wmf_ops_demo_librenms`` on MariaDB with the fleet's ``devices`` and
``entPhysical`` rows (``dev/librenms_harness.py``), writes F (the plugin settings pointing at both, JSON) once both
are ready, then serves until killed. The rows are the same the seeded-defect tests use (``dev/fleet_sources.py``), so
the reports find the seeded defects listed in docs/demo-data.md. Imports nothing from Django.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dev.fleet.exports import write_settings_file
from dev.fleet.plan import fleet_argument_parser, plan_fleet
from dev.fleet_sources import librenms_tables, puppetdb_nodes
from dev.librenms_harness import replace_database
from dev.puppetdb_harness import MicroserviceFixture, _wait_forever

LIBRENMS_DATABASE = "wmf_ops_demo_librenms"


def main(argv: list[str] | None = None) -> int:
    parser = fleet_argument_parser(__doc__)
    parser.add_argument("--settings-file", required=True, type=Path)
    args = parser.parse_args(argv)

    plan = plan_fleet(args.scale, args.seed)
    librenms = replace_database(LIBRENMS_DATABASE, *librenms_tables(plan))
    puppetdb = MicroserviceFixture(puppetdb_nodes(plan, network=True)).start()
    settings = {"puppetdb_url": puppetdb.url, "puppetdb_api": "microservice", "librenms_db": librenms}
    write_settings_file(args.settings_file, settings)
    print(f"PuppetDB /v1/facts at {puppetdb.url}; LibreNMS database {LIBRENMS_DATABASE}", flush=True)
    _wait_forever()
    puppetdb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
