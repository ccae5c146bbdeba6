# The shared fixtures (rq_worker, run_netbox) live in tests/conftest.py; this re-export keeps old imports working.
from tests.conftest import wait_for_job

__all__ = ["wait_for_job"]
