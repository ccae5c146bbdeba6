"""The Icinga state check rules (docs/behaviour-reference.md §3.6)."""

import pytest

from netbox_wmf_ops.dns.exitcodes import ExitCode
from netbox_wmf_ops.dns.icinga import IcingaState, read_state, should_skip, state_after_run, write_state

NOW = 1_750_000_000.0


@pytest.mark.parametrize(
    "code, age_minutes, skip",
    [(0, 59, True), (0, 61, False), (2, 14, True), (2, 16, False), (1, 10, True), (1, 20, False)],
)
def test_recent_state_is_reused(code, age_minutes, skip):
    assert should_skip(IcingaState(code, "m", NOW - age_minutes * 60), NOW) is skip


def test_state_after_run():
    assert state_after_run(ExitCode.NO_CHANGES, False, NOW) == IcingaState(
        0, "Netbox has zero uncommitted DNS changes", NOW
    )
    assert state_after_run(ExitCode.OK, False, NOW) == IcingaState(2, "Netbox has uncommitted DNS changes", NOW)
    assert state_after_run(ExitCode.OK, True, NOW) == IcingaState(
        1, "Netbox has uncommitted DNS changes, but last edit in Netbox is within 30 minutes", NOW
    )
    for code in (ExitCode.ERROR, ExitCode.UNSAFE, ExitCode.PUSH_ERROR):
        assert state_after_run(code, True, NOW) == IcingaState(
            2, "An error occurred checking if Netbox has uncommitted DNS changes", NOW
        )


def test_state_file_round_trip(tmp_path):
    path = tmp_path / "state.json"
    write_state(path, IcingaState(1, "msg", NOW))
    assert path.read_text() == '{"exit_code": 1, "message": "msg", "timestamp": 1750000000.0}'
    assert read_state(path) == IcingaState(1, "msg", NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    path.write_text("{not json")
    with pytest.raises(ValueError):
        read_state(path)
