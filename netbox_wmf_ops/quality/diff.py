"""What one run changes in the open findings of a report (pure: no Django).

A finding's identity is (test, rule, object type, object id, subject) within its report; ``subject`` tells apart
findings about no NetBox object (it is their display text, or the message when there is nothing else). Within the
tests a run ran: an identity seen again is *kept* (its message, level, display and location updated when they
changed), a new one is *created*, an open one no longer seen is *resolved*. Findings of tests the run did not run are
left alone. A resolved finding is never matched again: a defect that comes back opens a new finding (a new
occurrence, with its own first_seen).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

Identity = tuple[str, str, int | None, int | None, str]


@dataclass(frozen=True)
class Observed:
    """One failure or warning of this run, reduced to plain values."""

    test: str
    rule: str
    level: str
    object_type: int | None
    object_id: int | None
    subject: str
    display: str
    message: str
    site: int | None = None
    role: int | None = None
    tenant: int | None = None

    @property
    def identity(self) -> Identity:
        return (self.test, self.rule, self.object_type, self.object_id, self.subject)

    def payload(self) -> tuple:
        """The values a later run may change without making it another finding."""
        return (self.level, self.display, self.message, self.site, self.role, self.tenant)


@dataclass(frozen=True)
class OpenFinding:
    """A finding still open before this run."""

    pk: int
    observed: Observed


@dataclass
class RunDiff:
    create: list[Observed] = field(default_factory=list)
    update: list[tuple[int, Observed]] = field(default_factory=list)  # seen again, some value changed
    keep: list[int] = field(default_factory=list)  # seen again, unchanged
    resolve: list[int] = field(default_factory=list)


def unique_identities(observed: Iterable[Observed]) -> list[Observed]:
    """The same rule may fire twice on one object in one run (two different problems of the same kind): the second
    and later ones get ``#2``, ``#3`` ... appended to their subject, in the order the report emitted them, so every
    logged line stays a finding of its own."""
    seen: dict[Identity, int] = {}
    result = []
    for item in observed:
        count = seen.get(item.identity, 0) + 1
        seen[item.identity] = count
        result.append(item if count == 1 else replace(item, subject=f"{item.subject}#{count}"))
    return result


def diff_run(previous: Sequence[OpenFinding], observed: Iterable[Observed], tests_run: Iterable[str]) -> RunDiff:
    ran = set(tests_run)
    result = RunDiff()
    by_identity = {finding.observed.identity: finding for finding in previous if finding.observed.test in ran}
    matched: set[int] = set()
    for item in unique_identities(observed):
        before = by_identity.get(item.identity)
        if before is None:
            result.create.append(item)
        elif before.pk in matched:  # cannot happen after unique_identities; kept as a guard against double counting
            continue
        else:
            matched.add(before.pk)
            if before.observed.payload() == item.payload():
                result.keep.append(before.pk)
            else:
                result.update.append((before.pk, item))
    result.resolve = [finding.pk for finding in by_identity.values() if finding.pk not in matched]
    return result
