"""The shared shape of report tests: judge each item, report the problems, count the clean ones in the summary."""

from netbox_wmf_ops.checks import Finding, failure, judge_each, judge_each_graded, warning


def odd_problem(n: int) -> str | None:
    return f"{n} is odd" if n % 2 else None


def test_one_failure_per_problem_in_item_order_then_the_clean_count():
    findings = judge_each([3, 4, 1, 6, 8], odd_problem, "even numbers", obj=lambda n: f"obj{n}")
    assert findings == [
        Finding("failure", "obj3", "3 is odd"),
        Finding("failure", "obj1", "1 is odd"),
        Finding("success", None, "3 even numbers"),
    ]


def test_an_empty_message_is_a_problem_and_obj_none_means_no_object():
    findings = judge_each(["", "ok"], lambda s: None if s else "", "clean", obj=None)
    assert findings == [Finding("failure", None, ""), Finding("success", None, "1 clean")]


def test_obj_is_asked_only_for_the_items_with_a_problem():
    asked = []
    judge_each(iter([1, 2]), odd_problem, "even", obj=lambda n: asked.append(n))
    assert asked == [1]


def test_no_items_still_give_the_summary():
    assert judge_each([], odd_problem, "even numbers", obj=None) == [Finding("success", None, "0 even numbers")]


def test_problem_sees_the_items_once_each_in_order_so_it_can_spot_repeats():
    seen: set[str] = set()

    def repeated(name: str) -> str | None:
        if name in seen:
            return f"repeated {name}"
        seen.add(name)
        return None

    findings = judge_each(["a", "b", "a", "a"], repeated, "first names", obj=None)
    assert [f.message for f in findings] == ["repeated a", "repeated a", "2 first names"]


def test_graded_puts_failures_before_warnings_each_in_item_order():
    def grade(n: int) -> Finding | None:
        if n < 0:
            return failure(n, "negative")
        if n > 9:
            return warning(n, "large")
        return None

    findings = judge_each_graded([12, -1, 5, 30, -7, 0], grade, "small numbers")
    assert findings == [
        Finding("failure", -1, "negative"),
        Finding("failure", -7, "negative"),
        Finding("warning", 12, "large"),
        Finding("warning", 30, "large"),
        Finding("success", None, "2 small numbers"),
    ]
