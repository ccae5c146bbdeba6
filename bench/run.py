"""`make bench`: run every bench/*_bench.py against a benchmark database holding the demo fleet.

Each benchmark module defines `run() -> dict[str, float | int | str]` (measurements by name). It runs inside Django
(NetBox settings, the bench database); use `bench.timing.median_time()` for timings (median of repeated runs) and
report ratios against a baseline measured in the same run, not absolute pass/fail: these are not timed tests.
Results go to bench/results/latest.json and are printed as a table.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    import django

    django.setup()
    only = sys.argv[1:]
    results: dict[str, dict] = {}
    for path in sorted((ROOT / "bench").glob("*_bench.py")):
        name = path.stem
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        try:
            results[name] = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"== {name} ({time.perf_counter() - started:.1f} s)")
        for key, value in results[name].items():
            print(f"   {key:<55} {value}")
    report = {
        "scale": os.environ.get("WMF_OPS_BENCH_SCALE"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "latest.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
