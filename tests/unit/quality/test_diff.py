"""The run diff (pure): create / keep / update / resolve, only within the tests that ran."""

from netbox_wmf_ops.quality.diff import Observed, OpenFinding, diff_run, unique_identities


def seen(test="test_a", rule="r.one", obj=1, message="broken", level="failure", subject="", site=None) -> Observed:
    return Observed(test, rule, level, None if obj is None else 7, obj, subject, f"dev{obj}", message, site=site)


def test_first_run_creates_everything():
    diff = diff_run([], [seen(obj=1), seen(obj=2)], ["test_a"])
    assert [o.object_id for o in diff.create] == [1, 2] and not (diff.keep or diff.update or diff.resolve)


def test_unchanged_rerun_creates_and_resolves_nothing():
    previous = [OpenFinding(10, seen(obj=1)), OpenFinding(11, seen(obj=2))]
    diff = diff_run(previous, [seen(obj=2), seen(obj=1)], ["test_a"])
    assert (diff.create, diff.update, diff.resolve, sorted(diff.keep)) == ([], [], [], [10, 11])


def test_a_changed_message_updates_the_same_finding():
    diff = diff_run([OpenFinding(10, seen(message="old"))], [seen(message="new")], ["test_a"])
    assert diff.create == [] and diff.resolve == [] and diff.update == [(10, seen(message="new"))]


def test_a_moved_object_updates_its_location():
    diff = diff_run([OpenFinding(10, seen(site=1))], [seen(site=2)], ["test_a"])
    assert [pk for pk, _ in diff.update] == [10]


def test_what_is_no_longer_seen_is_resolved_only_within_the_tests_that_ran():
    previous = [OpenFinding(10, seen(test="test_a")), OpenFinding(11, seen(test="test_b"))]
    diff = diff_run(previous, [], ["test_a"])
    assert diff.resolve == [10]


def test_rule_and_test_are_part_of_the_identity():
    diff = diff_run([OpenFinding(10, seen(rule="r.one"))], [seen(rule="r.two")], ["test_a"])
    assert [o.rule for o in diff.create] == ["r.two"] and diff.resolve == [10]


def test_the_same_rule_twice_on_one_object_stays_two_findings():
    twice = unique_identities([seen(message="first"), seen(message="second")])
    assert [o.subject for o in twice] == ["", "#2"]
    diff = diff_run([OpenFinding(10, twice[0]), OpenFinding(11, twice[1])], [seen(message="first")], ["test_a"])
    assert diff.keep == [10] and diff.resolve == [11]


def test_findings_about_no_object_are_told_apart_by_their_subject():
    a, b = seen(obj=None, subject="host-a"), seen(obj=None, subject="host-b")
    diff = diff_run([OpenFinding(10, a)], [a, b], ["test_a"])
    assert diff.keep == [10] and [o.subject for o in diff.create] == ["host-b"]
