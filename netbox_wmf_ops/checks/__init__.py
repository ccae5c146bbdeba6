"""Report logic as pure functions: plain records in, findings out. No Django imports here (see loaders/ for the ORM)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Level = Literal["success", "info", "warning", "failure"]


@dataclass(frozen=True)
class Finding:
    """One line of a report: ``obj`` is the NetBox object it is about, or None when it has none. ``rule`` is the
    stable code of the rule that found it (e.g. ``network.mgmt_dns_mismatch``, or a validator rule's
    ``device.asset_tag_invalid``), "" when unset: with the report, test and object it identifies the finding across
    runs (see docs/data-quality.md)."""

    level: Level
    obj: Any
    message: str
    # Not part of equality: a finding is the same line of a report whichever rule code it carries.
    rule: str = field(default="", compare=False)


def failure(obj: Any, message: str, rule: str = "") -> Finding:
    return Finding("failure", obj, message, rule)


def warning(obj: Any, message: str, rule: str = "") -> Finding:
    return Finding("warning", obj, message, rule)


def summary(count: int, text: str) -> Finding:
    """The closing success line of a test, in the `<count> <verb/condition> <noun>` form."""
    return Finding("success", None, f"{count} {text}")


def record_object(record: Any) -> Any:
    """The NetBox object a check's record stands for: records that stand for one name it ``obj``."""
    return record.obj


def judge_each[T](
    items: Iterable[T],
    problem: Callable[[T], str | None],
    clean: str,
    *,
    obj: Callable[[T], Any] | None = record_object,
    rule: str = "",
) -> list[Finding]:
    """The usual report test: one failure about ``obj(item)`` (by default the item's ``obj``) per item whose
    ``problem`` is a message, then the ``summary`` of the clean items (``problem`` returned None). ``obj=None``: the
    failures are about no object. Out-of-scope items are filtered out by the caller, so that they are neither failed
    nor counted."""

    def judged(item: T) -> Finding | None:
        message = problem(item)
        return None if message is None else failure(None if obj is None else obj(item), message, rule)

    return judge_each_graded(items, judged, clean)


def judge_each_graded[T](
    items: Iterable[T], finding: Callable[[T], Finding | None], clean: str, *, rule: str = ""
) -> list[Finding]:
    """``judge_each`` for tests whose problems are failures or warnings: ``finding`` returns the item's failure or
    warning, or None when the item is clean. The failures come first, then the warnings, then the summary.

    ``finding`` is called once per item, in order, so it may remember earlier items (e.g. to spot duplicates).
    ``rule`` is given to the findings that name none."""
    failures: list[Finding] = []
    warnings: list[Finding] = []
    good = 0
    for item in items:
        found = finding(item)
        if found is None:
            good += 1
        else:
            if rule and not found.rule:
                found = replace(found, rule=rule)
            (failures if found.level == "failure" else warnings).append(found)
    return [*failures, *warnings, summary(good, clean)]
