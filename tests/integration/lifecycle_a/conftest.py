"""The lifecycle scripts A run through the shared ``run_script`` fixture (tests/conftest.py)."""

from tests.script_runs import REVERTED, REVERTED_ON_ERROR

__all__ = ["REVERTED", "REVERTED_ON_ERROR"]
