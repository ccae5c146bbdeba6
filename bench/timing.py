"""Timing helpers for benchmarks: medians of repeated runs and query counts."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Figures = Iterator[tuple[str, dict[str, Any]]]  # what a benchmark group yields: (figure name, its values)


def median_time(func: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of `func()` in seconds, after `warmup` untimed runs."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def peak_mb() -> float:
    """This process's peak resident set, in MB (``ru_maxrss``: kB on Linux), since start or the last reset_peak()."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak() -> None:
    """Start the peak resident set again from the current one (Linux: ``5`` to /proc/self/clear_refs), so that a
    figure's peak is its own, not its setup's; elsewhere the peak stays the process's."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


def measure(func: Callable[[], Any], repeat: int = 3, warmup: int = 1) -> dict[str, float | int]:
    """``{"s": median wall time, "queries": count, "peak MB": ...}`` of ``func()``: ``warmup`` untimed runs, then
    ``repeat`` timed ones; the queries are counted during the last timed run (``counting_queries``), so a figure costs
    no run of its own for its query count. "peak MB" is the process's peak resident set
    during the first run (what the process held before it, start-up and the figure's inputs, included; the peak of
    preparing them is not): later runs in the same process only add the allocator's fragmentation, and a NetBox
    worker runs each job in a fresh work-horse process."""
    first_peak = None
    reset_peak()
    for _ in range(warmup):
        func()
        first_peak = first_peak or peak_mb()
    samples = []
    queries = 0
    for index in range(repeat):
        if index == repeat - 1:
            with counting_queries() as counted:
                started = time.perf_counter()
                func()
                samples.append(time.perf_counter() - started)
            queries = counted.count
        else:
            started = time.perf_counter()
            func()
            samples.append(time.perf_counter() - started)
        first_peak = first_peak or peak_mb()
    return {"s": round(statistics.median(samples), 4), "queries": queries, "peak MB": first_peak}


class QueryCount:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries() -> Iterator[QueryCount]:
    """Count the statements sent on the default connection inside the block. An execute wrapper, not Django's debug
    cursor: that one keeps only the last 9,000 queries (``queries_limit``), so a figure above it (Ganeti's 10 %-changed
    sync at scale 10: ~12,100) read as 9,000."""
    from django.db import connection

    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


def count_queries(func: Callable[[], Any]) -> int:
    with counting_queries() as counted:
        func()
    return counted.count


class CallTimer:
    """Time spent inside some functions while the block runs: each ``(owner, name)`` attribute (a module's function
    or a class's method) is replaced by a timing wrapper and put back on exit. ``take()`` returns the seconds
    accumulated since the last ``take()`` and starts again from zero.

    Patch the attribute where the caller looks it up (``from x import f`` binds ``f`` in the caller's module)."""

    def __init__(self, *targets: tuple[Any, str]) -> None:
        self.targets = targets
        self.seconds = 0.0
        self.calls = 0
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed

    def __enter__(self) -> CallTimer:
        for owner, name in self.targets:
            original = owner.__dict__[name]  # the raw attribute, so a method stays a plain function
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(original))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds
