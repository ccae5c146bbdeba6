"""Serve the demo fleet's Ganeti clusters over fake RAPI servers, one per sync profile (used by `make demo`).

    python -m dev.fakes.ganeti_demo --scale 1.0 --seed 1 --base-port 18080 --settings-file F

Writes F, a JSON mapping suitable for the `ganeti_profiles` setting, once every server listens, then serves until
killed. The clusters come from the same seeded plan as the demo fleet, so a sync shows exactly the seeded drift.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dev.fakes.ganeti_rapi import FakeRapiServer, cluster_from_view
from dev.fleet.exports import write_settings_file
from dev.fleet.plan import fleet_argument_parser, plan_fleet


def main(argv: list[str] | None = None) -> None:
    parser = fleet_argument_parser(__doc__)
    parser.add_argument("--base-port", type=int, default=18080)
    parser.add_argument("--settings-file", required=True, help="where to write the ganeti_profiles setting (JSON)")
    args = parser.parse_args(argv)

    views = plan_fleet(args.scale, args.seed).external["ganeti"]
    profiles, servers = {}, []
    for offset, (profile, view) in enumerate(sorted(views.items())):
        server = FakeRapiServer(cluster_from_view(view), port=args.base_port + offset, require_auth=False).start()
        servers.append(server)
        profiles[profile] = {"site": view["site"], "url": server.url}
    write_settings_file(Path(args.settings_file), profiles)
    print(
        f"fake Ganeti RAPI for {len(profiles)} profiles: {', '.join(f'{p} {v["url"]}' for p, v in profiles.items())}",
        flush=True,
    )
    threading.Event().wait()


if __name__ == "__main__":
    main()
