"""Garbage collection around work that builds a fleet's worth of records in one process."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock

_lock = Lock()
_depth = 0  # blocks open in this process


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the objects that exist when the block starts (NetBox's own heap: models, URLconf, GraphQL schema, some
    250 MB) out of the cyclic collector's passes until it ends, then hand them back.

    A report, a DNS generation or a Ganeti sync at fleet scale keeps hundreds of thousands of records alive; each
    of the full collections they trigger walked that whole heap again, which made the run grow faster than the fleet
    (a quarter of the Network report's 18 s at scale 10, bench/RESULTS.md). Garbage made inside the block is still
    collected as usual, and once more when the block ends, before the heap is handed back (a pass over what the
    block made, not over NetBox's heap): netaddr 1.3 leaves a reference cycle at every IPv6 address a NetBox address
    field parses (its IPv4 parser, tried first, keeps the exception it raises in a local), and the cycle holds every
    calling frame with its locals, so without that pass a run's records outlived it until the next full collection,
    which the thawed heap made both rare and slow (bench/RESULTS.md, fourth run).

    ``gc.freeze()`` and ``gc.unfreeze()`` move whole lists and cost nothing per object; they are process-wide: blocks
    nest and overlap across threads, and only the last one to end hands the heap back (another thread's objects made
    meanwhile stay out of the passes until then; a later collection finds them)."""
    global _depth
    with _lock:
        if _depth == 0:
            gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.collect()  # only what the block made: NetBox's heap is still frozen
                gc.unfreeze()
