"""Running a report in-process and reading its result the way NetBox stores it (Job.data["tests"])."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def run_report(report_class) -> dict[str, dict]:
    report = report_class()
    report.run(data={}, commit=True)
    return report.tests


def lines_about(result: dict, obj) -> list[tuple[str, str]]:
    """(level, message) of the log lines pointing at ``obj`` (same text and same link)."""
    url = obj.get_absolute_url()
    return [(level, message) for _, level, name, link, message in result["log"] if name == str(obj) and link == url]


def messages(result: dict, level: str) -> list[str]:
    return [message for _, lvl, _, _, message in result["log"] if lvl == level]


def summary(result: dict) -> str:
    """The summary line, checking the conventions: last, a success, and the only success of the test."""
    last = result["log"][-1]
    assert last[1] == "success", result["log"][-3:]
    assert result["success"] == 1, f"{result['success']} success lines"
    return last[4]


def summary_count(result: dict) -> int:
    return int(summary(result).split()[0])


def assert_conventions(tests: dict[str, dict]) -> None:
    """Failures first, then warnings and infos, then one summary success line, in every test."""
    order = {"failure": 0, "warning": 1, "info": 1, "success": 2}
    for name, result in tests.items():
        levels = [entry[1] for entry in result["log"]]
        assert levels == sorted(levels, key=order.__getitem__), f"{name}: {levels}"
        summary(result)


def count_queries(report_class) -> int:
    """Queries of one run, after a first run that fills NetBox's process-wide caches (content types)."""
    run_report(report_class)
    with CaptureQueriesContext(connection) as queries:
        run_report(report_class)
    return len(queries)


def assert_queries_do_not_grow(report_class, add: Callable[[int], object], first: int, then: int, most: int) -> None:
    """The report runs in the same number of queries, at most ``most``, after ``add(first)`` and after a further
    ``add(then)`` (``add(n)`` builds n more of the objects the report reads)."""
    add(first)
    small = count_queries(report_class)
    add(then)
    assert count_queries(report_class) == small <= most
