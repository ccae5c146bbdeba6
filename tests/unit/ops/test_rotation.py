from datetime import datetime, timedelta

import pytest

from netbox_wmf_ops.exports.rotation import Keep, classify, dump_name, periods_of, plan_rotation


def hourly_names(start: datetime, count: int, step: timedelta = timedelta(hours=1)) -> list[str]:
    return [dump_name(start + i * step) for i in range(count)]


def test_dump_name_is_the_original_format():
    assert dump_name(datetime(2024, 5, 6, 7, 37, 59)) == "2024-05-06-07:37"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("2024-05-06-07:37", "hourly"),
        ("2024-05-06", "daily"),
        ("2024-05", "monthly"),
        ("2024", "yearly"),
        ("before-upgrade-2024-05-06-07:37", None),
        ("2024-05-06-07:37.old", None),
        ("1999-05-06", None),
        (".wmf-ops-tmp-2024-05-06-07:37-x", None),
        ("20245", None),
    ],
)
def test_classify_touches_only_timestamp_names(name, kind):
    assert classify(name) == kind


def test_periods_of_an_hourly_dump():
    assert periods_of("2024-05-06-07:37") == ["2024-05-06", "2024-05", "2024"]


def test_first_dump_creates_its_period_copies():
    plan = plan_rotation([], "2024-05-06-07:37", Keep())
    assert plan.copies == [
        ("2024-05-06-07:37", "2024-05-06"),
        ("2024-05-06-07:37", "2024-05"),
        ("2024-05-06-07:37", "2024"),
    ]
    assert plan.deletions == []


def test_keeps_16_hourly_dumps_including_the_new_one():
    existing = hourly_names(datetime(2024, 5, 6, 0, 37), 20)
    current = dump_name(datetime(2024, 5, 6, 20, 37))
    existing += ["2024-05-06", "2024-05", "2024"]
    plan = plan_rotation(existing, current, Keep())
    assert plan.deletions == sorted(existing[:5], reverse=True)  # 21 hourly dumps, the 5 oldest go
    # The current dump replaces the day/month/year copies; nothing to backfill.
    assert plan.copies == [(current, "2024-05-06"), (current, "2024-05"), (current, "2024")]


def test_renamed_and_foreign_directories_are_never_deleted():
    existing = [*hourly_names(datetime(2024, 5, 6, 0, 37), 30), "before-upgrade", "lost+found", "2024-05-06-07:37.bak"]
    plan = plan_rotation(existing, None, Keep(hourly=2, daily=1, monthly=1, yearly=1))
    assert not {"before-upgrade", "lost+found", "2024-05-06-07:37.bak"} & set(plan.deletions)


def test_backfill_takes_the_latest_dump_of_each_missing_period():
    existing = ["2024-05-05-22:37", "2024-05-05-23:37", "2024-05-06-00:37", "2024-05-06"]
    plan = plan_rotation(existing, None, Keep())
    assert ("2024-05-05-23:37", "2024-05-05") in plan.copies
    assert ("2024-05-05-22:37", "2024-05-05") not in plan.copies
    assert ("2024-05-06-00:37", "2024-05") in plan.copies  # month and year come from the newest dump
    assert ("2024-05-06-00:37", "2024") in plan.copies
    assert not any(target == "2024-05-06" for _, target in plan.copies)  # exists already


def test_daily_monthly_yearly_limits():
    days = [f"2024-01-{d:02d}" for d in range(1, 32)] + [f"2024-02-{d:02d}" for d in range(1, 30)]
    days += [f"2024-03-{d:02d}" for d in range(1, 6)]
    months = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01", "2024-02", "2024-03"]
    years = [str(y) for y in range(2010, 2025)]
    plan = plan_rotation(days + months + years, None, Keep())
    deleted = set(plan.deletions)
    assert sorted(d for d in deleted if classify(d) == "daily") == sorted(days)[:5]  # 65 daily, keep 60
    assert sorted(d for d in deleted if classify(d) == "monthly") == ["2023-01", "2023-02", "2023-03"]
    assert sorted(d for d in deleted if classify(d) == "yearly") == [str(y) for y in range(2010, 2015)]
    assert plan.copies == []


def test_a_copy_that_would_be_deleted_at_once_is_not_made():
    # Old hourly dumps from a day that is beyond the daily limit: backfilling its copy would be wasted work.
    existing = ["2024-05-06-00:37", "2024-05-07-00:37", "2024-05-07", "2024-05", "2024"]
    plan = plan_rotation(existing, None, Keep(daily=1))
    assert ("2024-05-06-00:37", "2024-05-06") not in plan.copies
    assert "2024-05-06" in plan.deletions


def test_rejects_a_current_name_that_is_not_hourly():
    with pytest.raises(ValueError, match="not an hourly dump name"):
        plan_rotation([], "before-upgrade", Keep())


def test_idempotent_when_nothing_changed():
    existing = [*hourly_names(datetime(2024, 5, 6, 0, 37), 3), "2024-05-06", "2024-05", "2024"]
    assert plan_rotation(existing, None, Keep()).is_empty()
