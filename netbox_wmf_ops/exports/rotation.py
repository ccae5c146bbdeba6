"""Which dump directories to keep, copy and delete (docs/behaviour-reference.md §4.2, `tools/rotatedump`). Pure: names
in, a plan out.

Directory names are the classes of dumps:

* hourly  ``YYYY-MM-DD-HH:MM`` (one per dump run),
* daily   ``YYYY-MM-DD``, monthly ``YYYY-MM``, yearly ``YYYY``: each a copy of the **latest** hourly dump of its period.

Only names matching these patterns (all start with ``20``) are ever touched, so a dump renamed with a descriptive
name (``before-upgrade-4.7``) is kept for ever.

Differences from the original script, on purpose (listed in docs/exports.md):
* ``KEEP`` means what it says: after a run at most ``keep`` directories of each class remain (the original kept
  ``KEEP-1`` before adding the new dump, so it only reached ``KEEP`` for hourly dumps);
* a dump directory holding other files than CSV is deleted too (the original's ``rmdir`` failed and aborted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

HOURLY = "hourly"
DAILY = "daily"
MONTHLY = "monthly"
YEARLY = "yearly"

PATTERNS: dict[str, re.Pattern[str]] = {
    HOURLY: re.compile(r"20\d\d-\d\d-\d\d-\d\d:\d\d"),
    DAILY: re.compile(r"20\d\d-\d\d-\d\d"),
    MONTHLY: re.compile(r"20\d\d-\d\d"),
    YEARLY: re.compile(r"20\d\d"),
}
HOURLY_FORMAT = "%Y-%m-%d-%H:%M"


@dataclass(frozen=True)
class Keep:
    hourly: int = 16
    daily: int = 60
    monthly: int = 12
    yearly: int = 10

    def for_class(self, kind: str) -> int:
        return getattr(self, kind)


@dataclass
class RotationPlan:
    copies: list[tuple[str, str]] = field(default_factory=list)  # (hourly source, period target), target replaced
    deletions: list[str] = field(default_factory=list)  # newest first within each class

    def is_empty(self) -> bool:
        return not self.copies and not self.deletions


def dump_name(moment: datetime) -> str:
    """The hourly directory name for a dump taken at ``moment`` (local time, to the minute)."""
    return moment.strftime(HOURLY_FORMAT)


def classify(name: str) -> str | None:
    """The dump class of a directory name, or None for anything rotation must leave alone."""
    for kind, pattern in PATTERNS.items():
        if pattern.fullmatch(name):
            return kind
    return None


def periods_of(hourly: str) -> list[str]:
    """The daily, monthly and yearly names an hourly dump belongs to: ``2024-05-06``, ``2024-05``, ``2024``."""
    day = hourly[:10]
    return [day, day[:7], day[:4]]


def plan_rotation(existing: Iterable[str], current: str | None, keep: Keep) -> RotationPlan:
    """Plan the rotation of the dump root after the dump ``current`` (an hourly name, or None) was written.

    ``existing`` holds every directory name in the dump root (``current`` included); names that are not dumps are
    ignored. The plan (1) makes ``current`` the copy of its day, month and year, (2) backfills the period copies that
    are missing, each from the newest hourly dump of that period, and (3) deletes the oldest directories of each class
    beyond ``keep`` (counting the copies made by the plan).
    """
    if current is not None and classify(current) != HOURLY:
        raise ValueError(f"not an hourly dump name: {current!r}")
    names = {name for name in existing if classify(name)}
    if current is not None:
        names.add(current)
    by_class: dict[str, set[str]] = {kind: set() for kind in PATTERNS}
    for name in names:
        by_class[classify(name)].add(name)  # type: ignore[index]

    plan = RotationPlan()
    if current is not None:
        for period in periods_of(current):
            plan.copies.append((current, period))
            by_class[classify(period)].add(period)  # type: ignore[index]
    # Newest first: the first hourly dump seen for a period is its latest one.
    for hourly in sorted(by_class[HOURLY], reverse=True):
        for period in periods_of(hourly):
            kind = classify(period)
            if period not in by_class[kind]:  # type: ignore[index]
                plan.copies.append((hourly, period))
            by_class[kind].add(period)  # type: ignore[index]

    for kind in (HOURLY, DAILY, MONTHLY, YEARLY):
        newest_first = sorted(by_class[kind], reverse=True)
        plan.deletions.extend(newest_first[keep.for_class(kind) :])
    # A copy whose target is deleted straight away is pointless.
    deleted = set(plan.deletions)
    plan.copies = [(source, target) for source, target in plan.copies if target not in deleted]
    return plan
