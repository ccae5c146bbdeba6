"""The diff of a generated tree of zone files against the published one, and the safety thresholds
(docs/behaviour-reference.md §3.3-§3.4).

Pure. A tree is ``{file name: content}`` of the top-level non-dot files. Line counts use a multiset difference, which
for zone snippets (unique, sorted lines) equals git's minimal diff stats, and stays linear for large zones.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from .records import Message

# docs/behaviour-reference.md §3.4 step 8: percentages of the pre-existing files/lines; a run over the error level is
# refused unless forced.
DEFAULT_MIN_RECORDS = 0
DEFAULT_FILES_WARNING_PERCENT = 8.0
DEFAULT_FILES_ERROR_PERCENT = 15.0
DEFAULT_LINES_WARNING_PERCENT = 3.0
DEFAULT_LINES_ERROR_PERCENT = 5.0


@dataclass(frozen=True)
class FileChange:
    name: str
    status: str  # "added", "removed" or "modified"
    insertions: int
    deletions: int


@dataclass(frozen=True)
class TreeDiff:
    changes: tuple[FileChange, ...]
    pre_files: int  # files in the old tree
    pre_lines: int  # lines in the old tree

    @property
    def insertions(self) -> int:
        return sum(c.insertions for c in self.changes)

    @property
    def deletions(self) -> int:
        return sum(c.deletions for c in self.changes)

    @property
    def lines(self) -> int:
        return self.insertions + self.deletions

    @property
    def files(self) -> int:
        return len(self.changes)

    @property
    def empty(self) -> bool:
        return not self.changes

    def stats(self) -> dict[str, int]:
        """The same keys as GitPython's ``commit.stats.total``, in the order the METADATA line used."""
        return {"insertions": self.insertions, "deletions": self.deletions, "lines": self.lines, "files": self.files}


def count_lines(content: str) -> int:
    return len(content.splitlines())


def diff_trees(old: Mapping[str, str], new: Mapping[str, str]) -> TreeDiff:
    changes = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        old_lines = Counter(before.splitlines()) if before is not None else Counter()
        new_lines = Counter(after.splitlines()) if after is not None else Counter()
        status = "added" if before is None else "removed" if after is None else "modified"
        changes.append(
            FileChange(name, status, sum((new_lines - old_lines).values()), sum((old_lines - new_lines).values()))
        )
    return TreeDiff(tuple(changes), len(old), sum(count_lines(c) for c in old.values()))


def unified_diff(old: Mapping[str, str], new: Mapping[str, str], context: int = 3) -> str:
    """A git-style unified diff of the two trees (for dry runs and job output)."""
    chunks: list[str] = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        chunks.extend(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                (after or "").splitlines(keepends=True),
                fromfile=f"a/{name}" if before is not None else "/dev/null",
                tofile=f"b/{name}" if after is not None else "/dev/null",
                n=context,
            )
        )
    return "".join(chunks)


@dataclass(frozen=True)
class Thresholds:
    min_records: int = DEFAULT_MIN_RECORDS
    files_warning: float = DEFAULT_FILES_WARNING_PERCENT
    files_error: float = DEFAULT_FILES_ERROR_PERCENT
    lines_warning: float = DEFAULT_LINES_WARNING_PERCENT
    lines_error: float = DEFAULT_LINES_ERROR_PERCENT


@dataclass
class SafetyVerdict:
    messages: list[Message] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [m.text for m in self.messages if m.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_min_records(record_count: int, thresholds: Thresholds) -> Message | None:
    if record_count < thresholds.min_records:
        return Message(
            "error",
            f"CAUTION: the generated records are less than the minimum limit of {thresholds.min_records}. "
            "Check the diff!",
        )
    return None


def check_safety(diff: TreeDiff, record_count: int, thresholds: Thresholds) -> SafetyVerdict:
    """The min-records floor and the changed files/lines percentages (skipped when the old tree was empty)."""
    verdict = SafetyVerdict()
    floor = check_min_records(record_count, thresholds)
    if floor:
        verdict.messages.append(floor)
    for what, changed, total, warning, error in (
        ("files", diff.files, diff.pre_files, thresholds.files_warning, thresholds.files_error),
        ("lines", diff.lines, diff.pre_lines, thresholds.lines_warning, thresholds.lines_error),
    ):
        if total == 0:
            continue
        percent = changed / total * 100
        # "thresold" is the original's spelling; operators and alerting grep for these texts.
        if percent > error:
            verdict.messages.append(
                Message(
                    "error", f"CAUTION: {percent:.1f}% of {what} modified is over the error thresold. Check the diff!"
                )
            )
        elif percent > warning:
            verdict.messages.append(
                Message("warning", f"{percent:.1f}% of {what} modified is over the warning thresold")
            )
    return verdict
