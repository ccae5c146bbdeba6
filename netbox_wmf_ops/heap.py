"""Garbage collection around work that builds a fleet's worth of records in one process."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the objects that exist when the block starts (NetBox's own heap: models, URLconf, GraphQL schema, some
    250 MB) out of the cyclic collector's passes until it ends, then hand them back.

    A report or a DNS generation at 25,000 devices keeps hundreds of thousands of records alive; each of the full
    collections they trigger walked that whole heap again, which made the run grow faster than the fleet (a quarter
    of the Network report's 18 s at scale 10, bench/RESULTS.md). Garbage made inside the block is still collected as
    usual. ``gc.freeze()`` and ``gc.unfreeze()`` move whole lists and cost nothing per object; they are process-wide,
    so in a threaded server another thread's objects may stay frozen until the block ends: a later collection then
    finds them."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
