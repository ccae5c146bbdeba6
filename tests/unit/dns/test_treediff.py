"""Tree diff, unified diff and the safety thresholds (docs/behaviour-reference.md §3.3 min records, §3.4 step 8)."""

from netbox_wmf_ops.dns.treediff import Thresholds, check_safety, diff_trees, unified_diff


def tree(n_files, lines_per_file=10):
    return {
        f"z{i}.wmnet": "".join(f"h{j} 1H IN A 10.0.{i}.{j}\n" for j in range(lines_per_file)) for i in range(n_files)
    }


def test_diff_counts_added_removed_and_modified_files():
    old = {"a": "1\n2\n3\n", "b": "x\n", "c": "same\n"}
    new = {"a": "1\n3\n4\n5\n", "c": "same\n", "d": "new\n"}
    diff = diff_trees(old, new)
    assert [(c.name, c.status, c.insertions, c.deletions) for c in diff.changes] == [
        ("a", "modified", 2, 1),
        ("b", "removed", 0, 1),
        ("d", "added", 1, 0),
    ]
    assert diff.stats() == {"insertions": 3, "deletions": 2, "lines": 5, "files": 3}
    assert (diff.pre_files, diff.pre_lines) == (3, 5)
    assert diff_trees(old, dict(old)).empty


def test_unified_diff_is_git_style():
    text = unified_diff({"a": "1\n2\n", "gone": "g\n"}, {"a": "1\n3\n", "new": "n\n"})
    assert text == (
        "--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n 1\n-2\n+3\n"
        "--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-g\n"
        "--- /dev/null\n+++ b/new\n@@ -0,0 +1 @@\n+n\n"
    )


def test_thresholds_warning_and_error_levels():
    old = tree(100, 10)  # 100 files, 1000 lines
    new = dict(old)
    for i in range(9):  # 9 % of files, 0.9 % of lines (one line each)
        new[f"z{i}.wmnet"] += "extra 1H IN A 10.9.9.9\n"
    verdict = check_safety(diff_trees(old, new), 1009, Thresholds())
    assert [(m.level, m.text) for m in verdict.messages] == [
        ("warning", "9.0% of files modified is over the warning thresold")
    ]
    assert verdict.ok

    for i in range(9, 16):  # 16 % of files, 1.6 % of lines
        new[f"z{i}.wmnet"] += "extra 1H IN A 10.9.9.9\n"
    verdict = check_safety(diff_trees(old, new), 1016, Thresholds())
    assert verdict.errors == ["CAUTION: 16.0% of files modified is over the error thresold. Check the diff!"]

    lines = {"z0.wmnet": old["z0.wmnet"] + "".join(f"n{j} 1H IN A 10.8.8.{j}\n" for j in range(40))}
    verdict = check_safety(diff_trees(old, {**old, **lines}), 1040, Thresholds())
    assert [m.text for m in verdict.messages] == ["4.0% of lines modified is over the warning thresold"]
    lines = {"z0.wmnet": old["z0.wmnet"] + "".join(f"n{j} 1H IN A 10.8.8.{j}\n" for j in range(51))}
    assert check_safety(diff_trees(old, {**old, **lines}), 1051, Thresholds()).errors == [
        "CAUTION: 5.1% of lines modified is over the error thresold. Check the diff!"
    ]


def test_exactly_at_the_threshold_is_not_over_it():
    old = tree(100, 1)
    new = {**old, **{f"z{i}.wmnet": "changed\n" for i in range(8)}}
    verdict = check_safety(diff_trees(old, new), 100, Thresholds(lines_warning=50, lines_error=50))
    assert verdict.messages == []


def test_empty_old_tree_skips_the_percentages_but_not_the_floor():
    diff = diff_trees({}, tree(3))
    assert check_safety(diff, 30, Thresholds(min_records=10)).messages == []
    assert check_safety(diff, 30, Thresholds(min_records=31)).errors == [
        "CAUTION: the generated records are less than the minimum limit of 31. Check the diff!"
    ]


def test_custom_thresholds():
    old = tree(10, 10)
    new = {**old, "z0.wmnet": "x\n"}
    verdict = check_safety(diff_trees(old, new), 91, Thresholds(files_warning=20, files_error=50, lines_error=20))
    assert [m.level for m in verdict.messages] == ["warning"]  # 11 % of lines: over 3 %, under 20 %
