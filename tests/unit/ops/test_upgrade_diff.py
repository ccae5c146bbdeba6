import copy

import pytest

from netbox_wmf_ops.ops.upgrade_diff import (
    SNAPSHOT_FORMAT,
    SnapshotError,
    check_snapshot,
    diff_dns,
    diff_dump,
    diff_reports,
    diff_snapshots,
    diff_syncs,
    dns_unified_diff,
    pending_sync_lines,
    summary_lines,
)


def report(*log, error=None, source_failure=None, test="test_serials"):
    counts = {"success": 0, "info": 0, "warning": 0, "failure": 0}
    for level, _obj, _message in log:
        counts[level] += 1
    return {
        "name": "Coherence",
        "error": error,
        "source_failure": source_failure,
        "tests": {test: {"counts": counts, "log": [list(line) for line in log]}},
    }


def snapshot(**sections):
    base = {
        "format": SNAPSHOT_FORMAT,
        "created": "2026-01-05T10:00:00+00:00",
        "versions": {"netbox": "4.7.3", "plugin": "0.1.0"},
        "reports": {
            "wmf_ops_coherence.Coherence": report(
                ("failure", "cp1001", "missing serial"), ("success", None, "120 devices with a serial")
            )
        },
        "syncs": {"ganeti": {"skipped": "no Ganeti profiles configured"}},
        "dns": {
            "error": None,
            "records": 2,
            "files": {"eqiad.wmnet": {"sha256": "aa", "lines": 2}},
            "messages": [["warning", "address 10.0.0.1/32 has no prefix"]],
        },
        "dump": {
            "error": None,
            "tables": {"dcim.devices": {"rows": 120, "sha256": "d1", "columns": ["id", "name"]}},
        },
        "seconds": {"reports": 1.0},
    }
    base.update(sections)
    return base


def test_identical_snapshots_have_no_differences():
    assert diff_snapshots(snapshot(), copy.deepcopy(snapshot())) == []


def test_versions_timings_and_creation_time_are_not_differences():
    newer = snapshot(versions={"netbox": "4.7.4", "plugin": "0.2.0"}, seconds={"reports": 9.0}, created="later")
    assert diff_snapshots(snapshot(), newer) == []


def test_new_and_resolved_findings_name_the_report_test_object_and_message():
    old = {"wmf_ops_coherence.Coherence": report(("failure", "cp1001", "missing serial"))}
    new = {
        "wmf_ops_coherence.Coherence": report(
            ("failure", "cp1002", "missing serial"), ("warning", None, "3 devices have no rack")
        )
    }
    assert diff_reports(old, new) == [
        "report wmf_ops_coherence.Coherence: warnings 0 → 1",
        "report wmf_ops_coherence.Coherence: new failure in test_serials: cp1002: missing serial",
        "report wmf_ops_coherence.Coherence: new warning in test_serials: 3 devices have no rack",
        "report wmf_ops_coherence.Coherence: resolved failure in test_serials: cp1001: missing serial",
    ]


def test_failure_total_line_when_the_count_changes():
    old = {"r.R": report(("failure", "a", "x"))}
    new = {"r.R": report(("failure", "a", "x"), ("failure", "b", "x"))}
    assert diff_reports(old, new) == ["report r.R: failures 1 → 2", "report r.R: new failure in test_serials: b: x"]


def test_a_repeated_finding_counts_as_many_times_as_it_is_logged():
    old = {"r.R": report(("failure", None, "dup"))}
    new = {"r.R": report(("failure", None, "dup"), ("failure", None, "dup"))}
    assert diff_reports(old, new)[-1] == "report r.R: new failure in test_serials: dup"


def test_a_changed_summary_line_is_shown_as_a_transition():
    old = {"r.R": report(("success", None, "120 devices with a serial"))}
    new = {"r.R": report(("success", None, "121 devices with a serial"))}
    assert diff_reports(old, new) == [
        "report r.R: summary of test_serials changed: 120 devices with a serial → 121 devices with a serial"
    ]


def test_report_errors_appearing_disappearing_and_changing():
    ok, boom, bang = report(), report(error="ValueError: boom"), report(error="KeyError: bang")
    assert diff_reports({"r.R": ok}, {"r.R": boom}) == ["report r.R: now errors: ValueError: boom"]
    assert diff_reports({"r.R": boom}, {"r.R": ok}) == ["report r.R: no longer errors (was: ValueError: boom)"]
    assert diff_reports({"r.R": boom}, {"r.R": bang}) == [
        "report r.R: error changed: ValueError: boom → KeyError: bang"
    ]


def test_reports_that_appear_or_go():
    new_one = report(("failure", "a", "x"), ("warning", "b", "y"))
    assert diff_reports({}, {"r.New": new_one}) == ["report r.New: new report (1 failures, 1 warnings)"]
    assert diff_reports({"r.Old": report()}, {}) == ["report r.Old: no longer run"]


def test_an_unreadable_source_becoming_readable_shows_the_real_findings():
    line = "PuppetDB: not configured (set puppetdb_url)"
    old = {"p.V": report(("failure", None, line), source_failure=line)}
    new = {"p.V": report(("failure", "vm1", "missing from PuppetDB"))}
    assert diff_reports(old, new) == [
        "report p.V: new failure in test_serials: vm1: missing from PuppetDB",
        f"report p.V: resolved failure in test_serials: {line}",
    ]


def test_long_lists_are_capped_with_a_count_of_what_was_left_out():
    new = {"r.R": report(*[("failure", f"dev{i}", "bad") for i in range(7)])}
    lines = diff_reports({"r.R": report()}, new, limit=3)
    assert lines[1:] == [
        "report r.R: new failure in test_serials: dev0: bad",
        "report r.R: new failure in test_serials: dev1: bad",
        "report r.R: new failure in test_serials: dev2: bad",
        "... and 4 more new findings",
    ]
    assert len(diff_reports({"r.R": report()}, new, limit=0)) == 8


def profile(changes=0, lines=(), error=None):
    return {
        "error": error,
        "changes": changes,
        "summary": f"{changes} changes planned",
        "lines": [list(x) for x in lines],
    }


IDLE = {"ganeti": {"profiles": {"eqiad": profile()}}}
PLANNED = {"ganeti": {"profiles": {"eqiad": profile(1, [("info", "Would create VM vm1")])}}}
SKIPPED = {"ganeti": {"skipped": "no Ganeti profiles configured"}}
BROKEN = {"ganeti": {"profiles": {"eqiad": profile(error="Ganeti profile eqiad: connection refused")}}}


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        pytest.param(
            IDLE,
            PLANNED,
            ["sync ganeti/eqiad: planned changes 0 → 1", "sync ganeti/eqiad: new plan line [info] Would create VM vm1"],
            id="plan-comes",
        ),
        pytest.param(
            PLANNED,
            IDLE,
            [
                "sync ganeti/eqiad: planned changes 1 → 0",
                "sync ganeti/eqiad: plan line gone [info] Would create VM vm1",
            ],
            id="plan-goes",
        ),
        pytest.param(
            SKIPPED,
            IDLE,
            [
                "sync ganeti: no longer skipped (was: no Ganeti profiles configured)",
                "sync ganeti/eqiad: new profile (0 changes planned)",
            ],
            id="no-longer-skipped",
        ),
        pytest.param(
            IDLE,
            SKIPPED,
            [
                "sync ganeti: now skipped: no Ganeti profiles configured",
                "sync ganeti/eqiad: profile no longer configured",
            ],
            id="now-skipped",
        ),
        pytest.param(
            IDLE, BROKEN, ["sync ganeti/eqiad: now errors: Ganeti profile eqiad: connection refused"], id="now-errors"
        ),
        pytest.param(
            BROKEN,
            IDLE,
            ["sync ganeti/eqiad: no longer errors (was: Ganeti profile eqiad: connection refused)"],
            id="no-longer-errors",
        ),
    ],
)
def test_sync_plans_that_come_go_change_or_fail(old, new, lines):
    assert diff_syncs(old, new) == lines


def test_the_same_pending_plan_is_not_a_difference_but_is_listed_as_pending():
    plan = {"ganeti": {"profiles": {"eqiad": profile(2, [("info", "Would delete VM a")])}}}
    assert diff_syncs(plan, copy.deepcopy(plan)) == []
    assert pending_sync_lines(snapshot(syncs=plan)) == ["sync ganeti/eqiad: 2 changes planned"]
    assert pending_sync_lines(snapshot()) == []


def dns(files, records=2, messages=(), error=None):
    return {"error": error, "records": records, "files": files, "messages": [list(m) for m in messages]}


def test_dns_record_count_and_zone_files():
    old = dns({"a.wmnet": {"sha256": "1", "lines": 2}, "gone.wmnet": {"sha256": "2", "lines": 4}})
    new = dns(
        {"a.wmnet": {"sha256": "3", "lines": 3}, "new.wmnet": {"sha256": "4", "lines": 1}},
        records=3,
        messages=[("warning", "10.0.0.1 has no prefix")],
    )
    assert diff_dns(old, new) == [
        "dns: records 2 → 3",
        "dns: zone file a.wmnet modified (lines 2 → 3)",
        "dns: zone file gone.wmnet removed (had 4 lines)",
        "dns: zone file new.wmnet added (1 lines)",
        "dns: new warning: 10.0.0.1 has no prefix",
    ]
    assert diff_dns(new, old)[-1] == "dns: resolved warning: 10.0.0.1 has no prefix"


def test_dns_error():
    assert diff_dns(dns({}), dns({}, error="ProgrammingError: no column")) == [
        "dns: now errors: ProgrammingError: no column"
    ]


def test_dns_unified_diff_needs_both_trees():
    old = {"a.wmnet": "host1 1H IN A 10.0.0.1\n"}
    new = {"a.wmnet": "host1 1H IN A 10.0.0.1\nhost2 1H IN A 10.0.0.2\n"}
    diff = dns_unified_diff(old, new)
    assert "--- a/a.wmnet" in diff and "+host2 1H IN A 10.0.0.2" in diff
    assert dns_unified_diff(None, new) == ""
    assert dns_unified_diff(old, old) == ""


def dump(tables: dict[str, tuple[int, str, list[str]]]) -> dict:
    """A dump section: table name → (rows, sha256, columns)."""
    shown = {name: {"rows": rows, "sha256": digest, "columns": cols} for name, (rows, digest, cols) in tables.items()}
    return {"error": None, "tables": shown}


def test_dump_rows_content_and_columns():
    old = dump(
        {
            "dcim.devices": (120, "1", ["id", "name", "old"]),
            "dcim.sites": (5, "2", ["id"]),
            "ipam.vrfs": (1, "3", ["id"]),
        }
    )
    new = dump(
        {
            "dcim.devices": (121, "9", ["id", "name", "new"]),
            "dcim.sites": (5, "8", ["id"]),
            "ipam.asns": (0, "7", ["id"]),
        }
    )
    assert diff_dump(old, new) == [
        "dump: table dcim.devices rows 120 → 121",
        "dump: table dcim.devices new columns: new",
        "dump: table dcim.devices columns gone: old",
        "dump: table dcim.sites content changed (5 rows)",
        "dump: table ipam.asns added (0 rows)",
        "dump: table ipam.vrfs removed (had 1 rows)",
    ]


def test_diff_snapshots_groups_sections_in_order():
    new = snapshot(
        reports={"wmf_ops_coherence.Coherence": report(("success", None, "120 devices with a serial"))},
        dns=dns(
            {"eqiad.wmnet": {"sha256": "bb", "lines": 3}},
            records=3,
            messages=[["warning", "address 10.0.0.1/32 has no prefix"]],
        ),
        dump={"error": None, "tables": {"dcim.devices": {"rows": 121, "sha256": "d2", "columns": ["id", "name"]}}},
    )
    lines = diff_snapshots(snapshot(), new)
    assert [line.split(" ", 1)[0].rstrip(":") for line in lines] == ["report", "report", "dns", "dns", "dump"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([], "not an upgrade-check snapshot"),
        ({"format": 2}, "format 2 is not supported"),
        ({"format": SNAPSHOT_FORMAT, "reports": {}}, "no syncs section"),
    ],
)
def test_check_snapshot_refuses_what_it_cannot_compare(data, error):
    with pytest.raises(SnapshotError, match=error):
        check_snapshot(data)
    assert check_snapshot(snapshot()) is not None


def test_summary_lines():
    snap = snapshot(
        reports={
            "wmf_ops_coherence.Coherence": report(("failure", "a", "x")),
            "wmf_ops_puppetdb.VirtualMachines": report(
                ("failure", None, "PuppetDB: not configured"), source_failure="PuppetDB: not configured"
            ),
            "wmf_ops_cables.Cables": report(error="ValueError: boom"),
        }
    )
    snap["syncs"] = {
        "ganeti": {
            "profiles": {
                "codfw": profile(error="RuntimeError: boom"),
                "eqiad": profile(0, [("failure", "Ganeti profile eqiad: connection refused")]),
                "ulsfo": profile(2),
            }
        }
    }
    assert summary_lines(snap) == [
        "reports: 3 run, 2 failures, 0 warnings, 1 errors, 1 without their source",
        "report wmf_ops_cables.Cables: error: ValueError: boom",
        "report wmf_ops_puppetdb.VirtualMachines: source not read: PuppetDB: not configured",
        "sync ganeti/codfw: error: RuntimeError: boom",
        "sync ganeti/eqiad: 0 changes, 1 failures, first: Ganeti profile eqiad: connection refused",
        "sync ganeti/ulsfo: 2 changes",
        "dns: 2 records in 1 zone files",
        "dump: 1 tables, 120 rows",
    ]
