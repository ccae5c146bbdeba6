"""One DNS generator run at a time, across rq workers, web workers and the CLI: a PostgreSQL advisory lock.

Session-level (``pg_try_advisory_lock``) on Django's connection, polled until a timeout so a second run waits for the
first one rather than failing at once; released in ``finally`` (and by PostgreSQL if the process dies).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .exitcodes import ExitCode
from .publish import PublishError

LOCK_NAME = "netbox_wmf_ops.dns"
DEFAULT_LOCK_TIMEOUT = 120.0


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def dns_lock(timeout: float = DEFAULT_LOCK_TIMEOUT, name: str = LOCK_NAME, poll: float = 0.25) -> Iterator[None]:
    from django.db import connection

    key = lock_key(name)
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise PublishError(
                    f"Another DNS snippet run holds the lock {name!r}; gave up after {timeout:g} s", ExitCode.ERROR
                )
            time.sleep(poll)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
