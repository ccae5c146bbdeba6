"""`make bench`: every figure at each bench scale, in one table with its growth from the smallest to the largest scale.

For each scale (``--scales "1 3 10"``; the Makefile's ``BENCH_SCALES``, or ``BENCH_SCALE`` for one), a benchmark
database is cloned from that scale's fleet template (``dev/wmfops.py bench-prepare``), every benchmark group runs in
a process of its own, and the database is dropped. A benchmark module (``bench/*_bench.py``) defines
``groups() -> {name: function}``; each function yields ``(figure, values)`` pairs, where ``values`` holds ``"s"``
(seconds: a median of repeated runs), ``"queries"`` and ``"work"`` (``"fleet"`` when the work grows with the fleet,
``"fixed"`` when it is the same at every scale, ``"writes"`` when the number of objects written grows with the fleet,
so its queries may grow in step), plus any detail worth keeping. ``bench.timing.measure()`` gives the
first two. Groups named in a module's ``ON_REQUEST`` run only when asked for by name. Groups named in a module's
``COMMITS`` write for real, one transaction per run as in production (a transaction rolled back at the end would hold
every run's commit callbacks and skew the later runs): each runs on a clone of its own, dropped after it, and is not
run by ``--here``.

Peak memory ("peak MB") is the process's peak resident set (``ru_maxrss``) during the figure's first run: the
process started Django, prepared the figure's inputs (the peak is reset after that, on Linux) and ran the figure once
(``bench.timing.measure``; a figure measured otherwise reports the peak when it was yielded, its repeats included,
also kept as "process peak MB" for every figure). ``start MB`` is
the resident set after Django's start-up with NetBox's URLconf loaded (what a NetBox web or worker process holds
once it served its first request) and the imports.

The raw numbers (with ``os.getloadavg()`` at each figure) go to ``bench/results/<when>-scales-<...>.json`` and
``latest.json``; the table is printed and written beside them as markdown, for bench/RESULTS.md. Not timed tests:
figures to read, ratios within one run.

    bench/run.py [--scales "0.1 0.3"] [--seed 1] [NAME ...]   prepare, measure and drop each scale (the Makefile)
    bench/run.py --here [NAME ...]                              the current environment's database, already prepared
NAME is a module (``dns_bench``), a group (``dns_bench:generation``) or a group's name alone (``generation``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STATE = Path(os.environ.get("WMF_OPS_STATE", ROOT / ".state"))
DEFAULT_SCALES = (1.0, 3.0, 10.0)
SUPER_LINEAR = 1.5  # a fleet-sized figure is flagged when its time grows by more than 1.5 x the scale ratio
FIXED_GROWTH = 2.0  # a fixed-work figure is flagged when its time more than doubles
QUERY_GROWTH = 1.2  # queries are flagged when they grow by more than 20 % (and by more than 2)


# --- inside one process: the groups and their figures -----------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    import django

    django.setup()


def _modules() -> list[str]:
    return sorted(path.stem for path in (ROOT / "bench").glob("*_bench.py"))


def _selected(module: str, group: str, names: list[str], on_request: bool) -> bool:
    if not names:
        return not on_request
    return any(name in (f"{module}:{group}", group) or (name == module and not on_request) for name in names)


def list_groups(names: list[str]) -> dict[str, Any]:
    """The groups to run and the fleet's size (in a process of its own, so the parent never imports Django)."""
    _django()
    from dcim.models import Device, Interface
    from ipam.models import IPAddress
    from virtualization.models import VirtualMachine

    groups, commits = [], []
    for module_name in _modules():
        module = importlib.import_module(f"bench.{module_name}")
        on_request = getattr(module, "ON_REQUEST", frozenset())
        for group in module.groups():
            if _selected(module_name, group, names, group in on_request):
                groups.append(f"{module_name}:{group}")
                if group in getattr(module, "COMMITS", frozenset()):
                    commits.append(f"{module_name}:{group}")
    fleet = {
        "devices": Device.objects.count(),
        "interfaces": Interface.objects.count(),
        "ip addresses": IPAddress.objects.count(),
        "virtual machines": VirtualMachine.objects.count(),
    }
    return {"groups": groups, "commits": commits, "fleet": fleet}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def run_group(group: str) -> list[dict[str, Any]]:
    """Run one group here and return its figures, each with the process's peak memory and the machine's load."""
    _django()
    from django.urls import reverse

    from bench.timing import peak_mb

    reverse("home")  # loads NetBox's URLconf (GraphQL schema included, ~100 MB) as a serving process has at start-up
    module_name, name = group.split(":", 1)
    module = importlib.import_module(f"bench.{module_name}")
    function = module.groups()[name]
    start_mb = _rss_mb()
    figures: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for figure, values in function():
            figures.append(
                {
                    "figure": figure,
                    "group": group,
                    "peak MB": peak_mb(),  # unless the figure's values hold the peak after its first run
                    **values,
                    "process peak MB": peak_mb(),
                    "start MB": start_mb,
                    "loadavg": [round(x, 2) for x in os.getloadavg()],
                    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
            )
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc()
        figures.append({"figure": group, "group": group, "error": f"{type(exc).__name__}: {exc}"})
    for figure in figures:
        figure["group seconds"] = round(time.perf_counter() - started, 1)
    return figures


# --- the parent: scales, processes, the table ----------------------------------------------------------------------


def _in_process(args: list[str], env: dict[str, str]) -> Any:
    """Run ``bench/run.py <args>`` in a new process and return what it wrote (JSON)."""
    with tempfile.NamedTemporaryFile("r", suffix=".tmp", dir=RESULTS, prefix=".child-") as out:
        result = subprocess.run([sys.executable, __file__, *args, "--out", out.name], env=env, cwd=ROOT)
        text = Path(out.name).read_text()
        if result.returncode != 0 or not text:
            raise RuntimeError(f"bench/run.py {' '.join(args)} exited with {result.returncode}")
        return json.loads(text)


def measure_here(
    names: list[str], env: dict[str, str], own_clone: Callable[[], AbstractContextManager[dict[str, str]]] | None = None
) -> dict[str, Any]:
    """Every selected group against the database ``env`` points at, one process per group; a group that commits its
    writes on a database of its own from ``own_clone()`` (without one, it is reported as not run)."""
    listing = _in_process(["--list", *names], env)
    print(f"== fleet: {listing['fleet']}", flush=True)
    figures: dict[str, dict[str, Any]] = {}
    for group in listing["groups"]:
        print(f"== {group}", flush=True)
        try:
            if group not in listing["commits"]:
                produced = _in_process(["--group", group], env)
            elif own_clone is None:
                produced = [{"figure": group, "group": group, "error": "commits its writes: run it with make bench"}]
            else:
                with own_clone() as clone_env:
                    produced = _in_process(["--group", group], clone_env)
        except RuntimeError as exc:
            produced = [{"figure": group, "group": group, "error": str(exc)}]
        for figure in produced:
            figures[figure["figure"]] = figure
            shown = {k: v for k, v in figure.items() if k not in ("figure", "group", "when")}
            print(f"   {figure['figure']:<60} {shown}", flush=True)
    return {"fleet": listing["fleet"], "figures": figures}


def _read_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export ") :].partition("=")
            env[key] = value
    return env


@contextmanager
def _clone(scale: float, seed: int, database: str) -> Iterator[dict[str, str]]:
    """A database cloned from the scale's fleet template, and the environment pointing at it; dropped on exit."""
    tool = [sys.executable, str(ROOT / "dev" / "wmfops.py")]
    try:
        subprocess.run(
            [*tool, "bench-prepare", "--scale", str(scale), "--seed", str(seed), "--db", database], check=True
        )
        env = {**os.environ, **_read_env(STATE / "bench.env"), "WMF_OPS_DB_NAME": database}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        yield env
    finally:
        subprocess.run([*tool, "bench-drop", "--db", database], check=False)


def measure_scale(scale: float, seed: int, names: list[str]) -> dict[str, Any]:
    """Clone the scale's fleet template into a database of our own, measure, drop it."""
    database = f"wmf_ops_bench_{os.getpid()}_{str(scale).replace('.', '_')}"
    started = time.perf_counter()
    with _clone(scale, seed, database) as env:
        prepared = time.perf_counter() - started
        figures = measure_here(names, env, own_clone=lambda: _clone(scale, seed, f"{database}_own"))
    return {"scale": scale, "prepare s": round(prepared, 1), **figures}


def _ratio(large: float | int | None, small: float | int | None) -> float | None:
    if large is None or small is None or not small:
        return None
    return large / small


def _cell(figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "—"
    if "error" in figure:
        return "error"
    return f"{figure['s']:.3g} s · {figure['queries']} q · {figure['peak MB']:.0f} MB"


def growth(small: dict[str, Any], large: dict[str, Any], scale_ratio: float) -> dict[str, Any]:
    """Growth factors from the smallest to the largest scale and the flags they earn."""
    time_x = _ratio(large["s"], small["s"])
    queries_x = _ratio(large["queries"], small["queries"])
    above_small = small["peak MB"] - small["start MB"]
    memory_x = _ratio(large["peak MB"] - large["start MB"], above_small) if above_small >= 1 else None
    flags = []
    if time_x is not None:
        if small.get("work") == "fixed" and time_x > FIXED_GROWTH:
            flags.append("fixed work, time grows")
        elif small.get("work") != "fixed" and time_x > SUPER_LINEAR * scale_ratio:
            flags.append("super-linear time")
    if queries_x is not None and queries_x > QUERY_GROWTH and large["queries"] - small["queries"] > 2:
        if small.get("work") != "writes":
            flags.append("queries grow")
        elif queries_x > SUPER_LINEAR * scale_ratio:
            flags.append("super-linear queries")
    if memory_x is not None and memory_x > SUPER_LINEAR * scale_ratio:
        flags.append("super-linear memory")
    return {"time x": time_x, "queries x": queries_x, "memory above start x": memory_x, "flags": flags}


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def table(report: dict[str, Any]) -> str:
    runs = report["runs"]
    scales = [run["scale"] for run in runs]
    names = list(dict.fromkeys(name for run in runs for name in run["figures"]))
    ratio = scales[-1] / scales[0] if len(scales) > 1 else 1.0
    lines = [
        f"Scales {', '.join(f'{s:g}' for s in scales)} (seed {report['seed']}), {report['when']}, "
        f"{report['machine']}, Python {report['python']}. Each cell: median time · queries · peak RSS of the process. "
        f"Growth from scale {scales[0]:g} to {scales[-1]:g} (scale ratio {ratio:g}).",
        "",
    ]
    for run in runs:
        loads = [f["loadavg"][0] for f in run["figures"].values() if "loadavg" in f]
        load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "n/a"
        fleet = ", ".join(f"{count:,} {what}" for what, count in run["fleet"].items())
        lines.append(f"- scale {run['scale']:g}: {fleet}; 1-minute load average {load} while measured")
    lines += [
        "",
        "| figure | work | "
        + " | ".join(f"scale {s:g}" for s in scales)
        + " | time x | queries x | memory x | flags |",
        "|---|---|" + "---|" * len(scales) + "---|---|---|---|",
    ]
    for name in names:
        cells = [run["figures"].get(name) for run in runs]
        first, last = cells[0], cells[-1]
        work = next((c.get("work", "") for c in cells if c and "work" in c), "")
        if len(runs) > 1 and first and last and "error" not in first and "error" not in last:
            grown = growth(first, last, ratio)
            tail = [_x(grown["time x"]), _x(grown["queries x"]), _x(grown["memory above start x"])]
            tail.append("**" + ", ".join(grown["flags"]) + "**" if grown["flags"] else "")
        else:
            tail = ["—", "—", "—", ""]
        lines.append(f"| {name} | {work} | " + " | ".join(_cell(c) for c in cells) + " | " + " | ".join(tail) + " |")
    lines += [
        "",
        "time x, queries x: largest scale over smallest. memory x: the growth of the peak above the process's "
        "resident set after start-up (— when under 1 MB at the smallest scale). Flags: super-linear time (a "
        f"fleet-sized figure growing more than {SUPER_LINEAR:g}x the scale ratio), fixed work whose time more than "
        f"doubles, queries growing by more than {QUERY_GROWTH - 1:.0%} (for 'writes' figures, whose writes grow with "
        "the fleet: super-linearly), memory above start-up growing super-linearly.",
    ]
    return "\n".join(lines) + "\n"


def _scales(text: str) -> list[float]:
    return sorted({float(s) for s in text.replace(",", " ").split()})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--scales", default=" ".join(f"{s:g}" for s in DEFAULT_SCALES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--here", action="store_true", help="measure the already prepared database of this env")
    parser.add_argument("--list", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--group", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.list or args.group:  # a child process: write JSON to --out
        produced = list_groups(args.names) if args.list else run_group(args.group)
        Path(args.out).write_text(json.dumps(produced, default=str))
        return 0

    RESULTS.mkdir(exist_ok=True)
    if args.here:
        scale = float(os.environ.get("WMF_OPS_BENCH_SCALE", "1.0"))
        runs = [{"scale": scale, **measure_here(args.names, dict(os.environ))}]
    else:
        runs = [measure_scale(scale, args.seed, args.names) for scale in _scales(args.scales)]
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    report = {
        "when": when,
        "seed": args.seed,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "runs": runs,
    }
    if len(runs) > 1:
        ratio = runs[-1]["scale"] / runs[0]["scale"]
        report["growth"] = {
            name: growth(runs[0]["figures"][name], runs[-1]["figures"][name], ratio)
            for name in runs[0]["figures"]
            if name in runs[-1]["figures"]
            and "error" not in runs[0]["figures"][name]
            and "error" not in runs[-1]["figures"][name]
        }
    stem = when.replace(":", "").replace("-", "") + "-scales-" + "-".join(f"{run['scale']:g}" for run in runs)
    text = json.dumps(report, indent=1, default=str) + "\n"
    (RESULTS / f"{stem}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    markdown = table(report)
    (RESULTS / f"{stem}.md").write_text(markdown)
    print()
    print(markdown)
    print(f"raw numbers: bench/results/{stem}.json; table: bench/results/{stem}.md")
    return 1 if any("error" in f for run in runs for f in run["figures"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
