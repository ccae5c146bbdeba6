"""The upgrade check's snapshot format and the differences between two snapshots. Pure: no Django import.

A snapshot is what ``netbox wmf_ops_upgrade_check`` collects (``ops/upgrade_check.py``) and writes as
``snapshot.json``, with the rendered DNS zone files next to it in ``dns/``::

    {"format": 1, "created": "2026-01-05T10:00:00+00:00",
     "versions": {"netbox": "4.7.3", "plugin": "0.1.0"},
     "read_only": true,                                    # ran in one REPEATABLE READ READ ONLY transaction
     "reports": {"wmf_ops_coherence.Coherence": {          # module.ClassName as NetBox lists the report
         "name": "Coherence", "error": null,               # error: one line when the report raised
         "source_failure": null,                           # external-source reports: why the source was not read
         "tests": {"test_serials": {"counts": {"success": 1, "info": 0, "warning": 0, "failure": 2},
                                    "log": [["failure", "cp1001", "missing serial"], ...]}},
         "seconds": 0.4}},
     "syncs": {"ganeti": {"skipped": "no Ganeti profiles configured"}
               | {"profiles": {"eqiad": {"error": null, "changes": 3, "summary": "...",
                                         "lines": [["info", "..."], ...]}}}},
     "dns": {"error": null, "records": 1234, "files": {"wmnet": {"sha256": "...", "lines": 1200}},
             "messages": [["warning", "..."]]},                  # the generator's warnings and errors
     "dump": {"error": null, "tables": {"dcim.devices": {"rows": 10, "sha256": "...", "columns": ["id", ...]}}},
     "seconds": {"reports": 1.2, ...}}

``diff_snapshots(old, new)`` turns two snapshots into one line per difference. Version changes and timings are
shown by the command but are not differences: the point of the check is that an upgrade changes nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from netbox_wmf_ops.dns.treediff import unified_diff

SNAPSHOT_FORMAT = 1
SNAPSHOT_FILE = "snapshot.json"
DNS_DIR = "dns"
DEFAULT_LIMIT = 50  # difference lines per report/sync/section and kind before "... and N more"
FINDING_LEVELS = ("failure", "warning", "info")  # report lines compared as findings; success lines are summaries

Snapshot = Mapping[str, Any]


class SnapshotError(ValueError):
    """A snapshot that cannot be compared (not a snapshot, or a format this version does not read)."""


def check_snapshot(data: Any) -> Snapshot:
    """``data`` (parsed JSON) if it is a snapshot this version can compare, else SnapshotError."""
    if not isinstance(data, Mapping) or "format" not in data:
        raise SnapshotError("not an upgrade-check snapshot (no format key)")
    if data["format"] != SNAPSHOT_FORMAT:
        raise SnapshotError(f"snapshot format {data['format']!r} is not supported (expected {SNAPSHOT_FORMAT})")
    for section in ("reports", "syncs", "dns", "dump"):
        if not isinstance(data.get(section), Mapping):
            raise SnapshotError(f"snapshot has no {section} section")
    return data


# --------------------------------------------------------------------------------------------------------- helpers


def _capped(lines: Sequence[str], limit: int, what: str) -> list[str]:
    """``lines``, cut after ``limit`` with one line saying how many were left out (limit 0: no cap)."""
    if limit <= 0 or len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], f"... and {len(lines) - limit} more {what}"]


def _multiset_changes(old: Iterable, new: Iterable) -> tuple[list, list]:
    """(added, removed) of two multisets, in the order the items appear in ``new`` / ``old``."""
    old_list, new_list = list(old), list(new)
    added_left = Counter(new_list) - Counter(old_list)
    removed_left = Counter(old_list) - Counter(new_list)
    added, removed = [], []
    for item in new_list:
        if added_left[item] > 0:
            added.append(item)
            added_left[item] -= 1
    for item in old_list:
        if removed_left[item] > 0:
            removed.append(item)
            removed_left[item] -= 1
    return added, removed


def _transition(old: Any, new: Any) -> str:
    return f"{old} → {new}"


def _paired[T](old: Mapping[str, T], new: Mapping[str, T]) -> Iterator[tuple[str, T | None, T | None]]:
    """(key, old value, new value) for every key of either mapping, sorted; None where a side lacks the key."""
    for key in sorted(set(old) | set(new)):
        yield key, old.get(key), new.get(key)


def _error_change(prefix: str, old: Mapping, new: Mapping) -> list[str]:
    """The line saying that a part now errors (with the new error) or no longer does; none while its error stays."""
    if old.get("error") == new.get("error"):
        return []
    if new.get("error"):
        return [f"{prefix}: now errors: {new['error']}"]
    return [f"{prefix}: no longer errors (was: {old['error']})"]


# --------------------------------------------------------------------------------------------------------- reports


def _report_findings(report: Mapping) -> list[tuple[str, str, str | None, str]]:
    """(test, level, object, message) of every non-summary line of a report."""
    return [
        (test, level, obj, message)
        for test, result in sorted(report.get("tests", {}).items())
        for level, obj, message in result.get("log", [])
        if level in FINDING_LEVELS
    ]


def _report_summaries(report: Mapping) -> dict[str, list[str]]:
    return {
        test: [message for level, _obj, message in result.get("log", []) if level == "success"]
        for test, result in report.get("tests", {}).items()
    }


def _report_totals(report: Mapping) -> Counter:
    totals: Counter = Counter()
    for result in report.get("tests", {}).values():
        totals.update({level: int(n) for level, n in result.get("counts", {}).items()})
    return totals


def _describe_finding(test: str, level: str, obj: str | None, message: str) -> str:
    return f"{level} in {test}: {obj + ': ' if obj else ''}{message}"


def diff_reports(old: Mapping[str, Mapping], new: Mapping[str, Mapping], limit: int = DEFAULT_LIMIT) -> list[str]:
    """New/resolved findings, changed summary lines, new/fixed errors, and reports that appeared or went."""
    lines: list[str] = []
    for key, before, after in _paired(old, new):
        prefix = f"report {key}"
        if before is None:
            totals = _report_totals(after)
            lines.append(
                f"{prefix}: new report ({totals['failure']} failures, {totals['warning']} warnings)"
                + (f", error: {after['error']}" if after.get("error") else "")
            )
            continue
        if after is None:
            lines.append(f"{prefix}: no longer run")
            continue

        if before.get("error") != after.get("error"):
            if not before.get("error"):
                lines.append(f"{prefix}: now errors: {after['error']}")
            elif not after.get("error"):
                lines.append(f"{prefix}: no longer errors (was: {before['error']})")
            else:
                lines.append(f"{prefix}: error changed: {_transition(before['error'], after['error'])}")

        old_totals, new_totals = _report_totals(before), _report_totals(after)
        changed_totals = [
            f"{level}s {_transition(old_totals[level], new_totals[level])}"
            for level in ("failure", "warning")
            if old_totals[level] != new_totals[level]
        ]
        if changed_totals:
            lines.append(f"{prefix}: {', '.join(changed_totals)}")

        added, removed = _multiset_changes(_report_findings(before), _report_findings(after))
        lines += _capped([f"{prefix}: new {_describe_finding(*f)}" for f in added], limit, "new findings")
        lines += _capped([f"{prefix}: resolved {_describe_finding(*f)}" for f in removed], limit, "resolved findings")

        old_summaries, new_summaries = _report_summaries(before), _report_summaries(after)
        for test in sorted(set(old_summaries) | set(new_summaries)):
            gained, lost = _multiset_changes(old_summaries.get(test, []), new_summaries.get(test, []))
            if len(gained) == 1 and len(lost) == 1:
                lines.append(f"{prefix}: summary of {test} changed: {_transition(lost[0], gained[0])}")
                continue
            lines += [f"{prefix}: summary line of {test} gone: {text}" for text in lost]
            lines += [f"{prefix}: new summary line in {test}: {text}" for text in gained]
    return lines


# ----------------------------------------------------------------------------------------------------------- syncs


def _plan_lines(profile: Mapping) -> list[tuple[str, str]]:
    return [(level, message) for level, message in profile.get("lines", [])]


def diff_syncs(old: Mapping[str, Mapping], new: Mapping[str, Mapping], limit: int = DEFAULT_LIMIT) -> list[str]:
    """Per sync and profile: skipped/errors changes, the planned change count, and plan lines that came or went.

    A plan that is the same non-empty plan in both snapshots is not a difference (``pending_sync_lines`` shows it)."""
    lines: list[str] = []
    for sync in sorted(set(old) | set(new)):
        before, after = old.get(sync, {}), new.get(sync, {})
        if before.get("skipped") != after.get("skipped"):
            if after.get("skipped"):
                lines.append(f"sync {sync}: now skipped: {after['skipped']}")
            elif before.get("skipped"):
                lines.append(f"sync {sync}: no longer skipped (was: {before['skipped']})")
        old_profiles, new_profiles = before.get("profiles", {}), after.get("profiles", {})
        for name, was, now in _paired(old_profiles, new_profiles):
            prefix = f"sync {sync}/{name}"
            if was is None:
                lines.append(f"{prefix}: new profile ({now.get('changes', 0)} changes planned)")
                continue
            if now is None:
                lines.append(f"{prefix}: profile no longer configured")
                continue
            lines += _error_change(prefix, was, now)
            if was.get("changes", 0) != now.get("changes", 0):
                lines.append(f"{prefix}: planned changes {_transition(was.get('changes', 0), now.get('changes', 0))}")
            added, removed = _multiset_changes(_plan_lines(was), _plan_lines(now))
            lines += _capped([f"{prefix}: new plan line [{lv}] {msg}" for lv, msg in added], limit, "new plan lines")
            lines += _capped([f"{prefix}: plan line gone [{lv}] {msg}" for lv, msg in removed], limit, "lines gone")
    return lines


def pending_sync_lines(snapshot: Snapshot) -> list[str]:
    """The sync plans of one snapshot that are not no-ops (shown on every run; a clean instance has none)."""
    lines = []
    for sync, result in sorted(snapshot.get("syncs", {}).items()):
        for name, profile in sorted(result.get("profiles", {}).items()):
            if profile.get("changes"):
                lines.append(f"sync {sync}/{name}: {profile.get('summary') or str(profile['changes']) + ' changes'}")
    return lines


# ------------------------------------------------------------------------------------------------------------- dns


def diff_dns(old: Mapping, new: Mapping, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Generation errors, the record count, zone files added/removed/modified, and new/resolved generator warnings."""
    lines: list[str] = []
    lines += _error_change("dns", old, new)
    if old.get("records") != new.get("records"):
        lines.append(f"dns: records {_transition(old.get('records'), new.get('records'))}")
    old_files, new_files = old.get("files", {}), new.get("files", {})
    for name, was, now in _paired(old_files, new_files):
        if was is None:
            lines.append(f"dns: zone file {name} added ({now['lines']} lines)")
        elif now is None:
            lines.append(f"dns: zone file {name} removed (had {was['lines']} lines)")
        elif was["sha256"] != now["sha256"]:
            lines.append(f"dns: zone file {name} modified (lines {_transition(was['lines'], now['lines'])})")
    added, removed = _multiset_changes(
        [tuple(m) for m in old.get("messages", [])], [tuple(m) for m in new.get("messages", [])]
    )
    lines += _capped([f"dns: new {level}: {text}" for level, text in added], limit, "new messages")
    lines += _capped([f"dns: resolved {level}: {text}" for level, text in removed], limit, "resolved messages")
    return lines


def dns_unified_diff(old_tree: Mapping[str, str] | None, new_tree: Mapping[str, str] | None) -> str:
    """The zone files' unified diff, when both trees were kept ("" when either is missing or they are equal)."""
    if old_tree is None or new_tree is None:
        return ""
    return unified_diff(old_tree, new_tree)


# ------------------------------------------------------------------------------------------------------------ dump


def diff_dump(old: Mapping, new: Mapping) -> list[str]:
    """Per table: row count changes, content changes at the same row count, column changes; tables that came/went."""
    lines: list[str] = []
    lines += _error_change("dump", old, new)
    old_tables, new_tables = old.get("tables", {}), new.get("tables", {})
    for name, was, now in _paired(old_tables, new_tables):
        if was is None:
            lines.append(f"dump: table {name} added ({now['rows']} rows)")
            continue
        if now is None:
            lines.append(f"dump: table {name} removed (had {was['rows']} rows)")
            continue
        if was["rows"] != now["rows"]:
            lines.append(f"dump: table {name} rows {_transition(was['rows'], now['rows'])}")
        elif was["sha256"] != now["sha256"]:
            lines.append(f"dump: table {name} content changed ({now['rows']} rows)")
        old_columns, new_columns = was.get("columns", []), now.get("columns", [])
        gained = [c for c in new_columns if c not in old_columns]
        lost = [c for c in old_columns if c not in new_columns]
        if gained:
            lines.append(f"dump: table {name} new columns: {', '.join(gained)}")
        if lost:
            lines.append(f"dump: table {name} columns gone: {', '.join(lost)}")
    return lines


# -------------------------------------------------------------------------------------------------------- together


def diff_snapshots(old: Snapshot, new: Snapshot, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Every difference between two snapshots, one line each, grouped: reports, syncs, DNS, dump."""
    return [
        *diff_reports(old["reports"], new["reports"], limit),
        *diff_syncs(old["syncs"], new["syncs"], limit),
        *diff_dns(old["dns"], new["dns"], limit),
        *diff_dump(old["dump"], new["dump"]),
    ]


def summary_lines(snapshot: Snapshot) -> list[str]:
    """What one snapshot holds, for the command's output: a few lines, whatever the fleet size."""
    reports = snapshot["reports"]
    totals: Counter = Counter()
    for report in reports.values():
        totals.update(_report_totals(report))
    errored = sorted(key for key, report in reports.items() if report.get("error"))
    no_source = sorted(key for key, report in reports.items() if report.get("source_failure"))
    lines = [
        f"reports: {len(reports)} run, {totals['failure']} failures, {totals['warning']} warnings, "
        f"{len(errored)} errors, {len(no_source)} without their source"
    ]
    lines += [f"report {key}: error: {reports[key]['error']}" for key in errored]
    lines += [f"report {key}: source not read: {reports[key]['source_failure']}" for key in no_source]
    for sync, result in sorted(snapshot["syncs"].items()):
        if result.get("skipped"):
            lines.append(f"sync {sync}: skipped: {result['skipped']}")
            continue
        for name, profile in sorted(result.get("profiles", {}).items()):
            failures = [message for level, message in profile.get("lines", []) if level == "failure"]
            state = f"error: {profile['error']}" if profile.get("error") else f"{profile.get('changes', 0)} changes"
            if failures and not profile.get("error"):
                state += f", {len(failures)} failures, first: {failures[0]}"
            lines.append(f"sync {sync}/{name}: {state}")
    dns, dump = snapshot["dns"], snapshot["dump"]
    lines.append(
        f"dns: error: {dns['error']}"
        if dns.get("error")
        else f"dns: {dns.get('records', 0)} records in {len(dns.get('files', {}))} zone files"
    )
    tables = dump.get("tables", {})
    lines.append(
        f"dump: error: {dump['error']}"
        if dump.get("error")
        else f"dump: {len(tables)} tables, {sum(t['rows'] for t in tables.values())} rows"
    )
    return lines
