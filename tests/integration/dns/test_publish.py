"""The git flow against real repositories in tmp dirs (docs/behaviour-reference.md §3.4-§3.5): bare origin, clone,
commit, push, SHA-1
mismatch, no change, stale files, thresholds, divergence, failures that leave the published repository untouched."""

import json
import subprocess
from pathlib import Path

import git
import pytest

from netbox_wmf_ops.dns.exitcodes import ExitCode
from netbox_wmf_ops.dns.publish import (
    WORKDIR_PREFIX,
    PublishConfig,
    PublishError,
    check_workdir_path,
    commit_snippets,
    metadata_line,
    push_snippets,
    read_published_tree,
    should_remove_workdir,
)
from netbox_wmf_ops.dns.treediff import Thresholds

ZONES = {
    "eqiad.wmnet": "db1001                                   1H IN A 10.64.0.5\n",
    "0.64.10.in-addr.arpa": "5   1H IN PTR db1001.eqiad.wmnet.\n",
}


def make_origin(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A bare repository, optionally with one commit holding ``files``."""
    origin = tmp_path / "dns.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    if files is not None:
        seed = git.Repo.clone_from(origin, tmp_path / "seed")
        for name, content in files.items():
            (tmp_path / "seed" / name).write_text(content)
        seed.git.add("-A")
        seed.git.commit("-m", "seed", author="Seeder <s@example.org>")
        seed.git.push("origin", "HEAD:refs/heads/main")
    return origin


def tip(origin: Path) -> str | None:
    repo = git.Repo(origin)
    return repo.head.commit.hexsha if repo.head.is_valid() else None


@pytest.fixture
def workdir(tmp_path):
    return tmp_path / "work"


def config(origin, workdir, **kw):
    return PublishConfig(str(origin), work_dir=str(workdir), **kw)


def test_commit_then_push_publishes_exactly_the_generated_files(tmp_path, workdir):
    origin = make_origin(tmp_path, {**ZONES, "stale.wmnet": "old 1H IN A 10.0.0.1\n"})
    before = tip(origin)
    new = {**ZONES, "codfw.wmnet": "db2001                                   1H IN A 10.192.0.5\n"}
    log = []
    result = commit_snippets(new, "Update from NetBox", config(origin, workdir), log=lambda lv, t: log.append((lv, t)))

    assert result.code == ExitCode.OK
    assert result.path.parent == workdir and result.path.name.startswith(WORKDIR_PREFIX)
    assert tip(origin) == before  # commit never touches the published repository
    commit = git.Repo(result.path).head.commit
    assert commit.hexsha == result.sha1
    assert commit.message.strip() == "Update from NetBox"
    assert (commit.author.name, commit.author.email) == ("generate-dns-snippets", "netbox@localhost")
    assert (commit.committer.name, commit.committer.email) == ("generate-dns-snippets", "netbox@localhost")
    assert result.diff.stats() == {"insertions": 1, "deletions": 1, "lines": 2, "files": 2}
    assert log[0] == ("info", f"Cloning {origin} to {result.path} ...")
    assert ("info", f"Committed changes: {result.sha1}") in log
    assert log[-1] == ("info", "Commit details: {'insertions': 1, 'deletions': 1, 'lines': 2, 'files': 2}")
    assert metadata_line(result) == "METADATA: " + json.dumps(
        {"path": str(result.path), "sha1": result.sha1, "insertions": 1, "deletions": 1, "lines": 2, "files": 2}
    )
    # git agrees with our stats
    assert git.Repo(result.path).head.commit.stats.total == {**result.diff.stats(), "lines": 2}

    pushed = []
    code = push_snippets(result.path, result.sha1, repository=str(origin), log=lambda lv, t: pushed.append((lv, t)))
    assert code == ExitCode.OK
    assert tip(origin) == result.sha1
    assert read_published_tree(str(origin)) == new  # stale.wmnet is gone
    assert pushed[-1][0] == "info" and pushed[-1][1].startswith("Pushed with bitflags ")


def test_first_publication_into_an_empty_repository(tmp_path, workdir):
    origin = make_origin(tmp_path)
    result = commit_snippets(ZONES, "Initial", config(origin, workdir))
    assert result.code == ExitCode.OK
    assert push_snippets(result.path, result.sha1, repository=str(origin)) == ExitCode.OK
    assert read_published_tree(str(origin)) == ZONES


def test_no_change_commits_nothing(tmp_path, workdir):
    origin = make_origin(tmp_path, ZONES)
    log = []
    result = commit_snippets(dict(ZONES), "m", config(origin, workdir), log=lambda lv, t: log.append(t))
    assert result.code == ExitCode.NO_CHANGES == 99
    assert result.sha1 is None
    assert log[-1] == "Nothing to commit!"
    assert metadata_line(result) == 'METADATA: {"no_changes": true}'
    assert git.Repo(result.path).head.commit.hexsha == tip(origin)


def test_no_change_with_keep_files_makes_an_empty_commit(tmp_path, workdir):
    origin = make_origin(tmp_path, ZONES)
    log = []
    result = commit_snippets(
        dict(ZONES), "m", config(origin, workdir), keep_files=True, log=lambda lv, t: log.append(t)
    )
    assert result.code == ExitCode.OK
    assert "Nothing to commit but --keep-files set, making an empty commit to allow local modifications" in log
    assert git.Repo(result.path).head.commit.parents[0].hexsha == tip(origin)
    assert result.diff.stats() == {"insertions": 0, "deletions": 0, "lines": 0, "files": 0}


def test_push_refuses_a_sha1_that_is_not_head(tmp_path, workdir):
    origin = make_origin(tmp_path, ZONES)
    before = tip(origin)
    result = commit_snippets({"eqiad.wmnet": "x 1H IN A 10.0.0.9\n"}, "m", config(origin, workdir))
    log = []
    code = push_snippets(result.path, "0" * 40, repository=str(origin), log=lambda lv, t: log.append((lv, t)))
    assert code == ExitCode.SHA1_MISMATCH == 5
    assert log == [("error", f"Head SHA1 {result.sha1} does not match given SHA1 {'0' * 40}")]
    assert tip(origin) == before


def test_push_refuses_when_the_repository_moved(tmp_path, workdir):
    origin = make_origin(tmp_path, ZONES)
    first = commit_snippets({**ZONES, "a.wmnet": "a 1H IN A 10.0.0.1\n"}, "first", config(origin, workdir))
    second = commit_snippets({**ZONES, "b.wmnet": "b 1H IN A 10.0.0.2\n"}, "second", config(origin, workdir))
    assert push_snippets(first.path, first.sha1, repository=str(origin)) == ExitCode.OK
    log = []
    assert (
        push_snippets(second.path, second.sha1, repository=str(origin), log=lambda lv, t: log.append(t))
        == ExitCode.PUSH_ERROR
    )
    assert "has moved since the commit was made" in log[-1]
    assert tip(origin) == first.sha1


def test_push_rejected_by_the_repository_is_push_error(tmp_path, workdir):
    origin = make_origin(tmp_path, ZONES)
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'frozen for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = tip(origin)
    result = commit_snippets({"eqiad.wmnet": "x 1H IN A 10.0.0.9\n"}, "m", config(origin, workdir))
    log = []
    assert (
        push_snippets(result.path, result.sha1, repository=str(origin), log=lambda lv, t: log.append((lv, t)))
        == ExitCode.PUSH_ERROR
    )
    assert log[-1][0] == "error" and log[-1][1].startswith("Error pushing, got bitflags ")
    assert tip(origin) == before


def test_thresholds_warn_at_commit_and_block_the_push_unless_forced(tmp_path, workdir):
    old = {f"z{i}.wmnet": "".join(f"h{j} 1H IN A 10.0.{i}.{j}\n" for j in range(10)) for i in range(10)}
    origin = make_origin(tmp_path, old)
    before = tip(origin)
    new = {**old, "z0.wmnet": "h0 1H IN A 10.0.0.0\n", "z1.wmnet": "h0 1H IN A 10.0.1.0\n"}  # 20 % files, 18 % lines
    log = []
    result = commit_snippets(new, "m", config(origin, workdir), log=lambda lv, t: log.append((lv, t)))
    assert result.code == ExitCode.OK  # committed for review: the thresholds only gate the push
    assert result.safety.errors == [
        "CAUTION: 20.0% of files modified is over the error thresold. Check the diff!",
        "CAUTION: 18.0% of lines modified is over the error thresold. Check the diff!",
    ]
    assert [t for lv, t in log if lv == "error"] == result.safety.errors

    blocked = []
    code = push_snippets(
        result.path, result.sha1, repository=str(origin), thresholds=Thresholds(), log=lambda lv, t: blocked.append(t)
    )
    assert code == ExitCode.UNSAFE
    assert blocked[-1] == "Refusing to push changes over the safety thresholds without --force"
    assert tip(origin) == before

    assert (
        push_snippets(result.path, result.sha1, repository=str(origin), thresholds=Thresholds(), force=True)
        == ExitCode.OK
    )
    assert tip(origin) == result.sha1


def test_min_records_floor_blocks_the_push(tmp_path, workdir):
    origin = make_origin(tmp_path)
    cfg = config(origin, workdir, thresholds=Thresholds(min_records=5))
    result = commit_snippets(ZONES, "m", cfg)
    assert result.safety.errors == [
        "CAUTION: the generated records are less than the minimum limit of 5. Check the diff!"
    ]
    assert push_snippets(result.path, result.sha1, repository=str(origin), thresholds=cfg.thresholds) == ExitCode.UNSAFE
    assert tip(origin) is None


def test_missing_and_dirty_repositories_are_clear_errors(tmp_path, workdir):
    with pytest.raises(PublishError, match="does not exist"):
        commit_snippets(ZONES, "m", config(tmp_path / "nope", workdir))
    (tmp_path / "plain").mkdir()
    with pytest.raises(PublishError, match="is not a git repository"):
        commit_snippets(ZONES, "m", config(tmp_path / "plain", workdir))
    with pytest.raises(PublishError, match="No DNS repository configured"):
        commit_snippets(ZONES, "m", PublishConfig(""))

    checkout = tmp_path / "checkout"
    repo = git.Repo.init(checkout, initial_branch="main")
    (checkout / "eqiad.wmnet").write_text("x\n")
    with pytest.raises(PublishError, match="has uncommitted changes"):
        commit_snippets(ZONES, "m", config(checkout, workdir))
    repo.git.add("-A")
    repo.git.commit("-m", "x", author="A <a@example.org>")
    assert commit_snippets(ZONES, "m", config(checkout, workdir)).code == ExitCode.OK


def test_push_path_checks_have_the_original_messages(tmp_path):
    with pytest.raises(PublishError, match=r"^Path '/nonexistent' does not exists\.$"):
        check_workdir_path("/nonexistent")
    with pytest.raises(PublishError, match=r"doesn't match the directory prefix 'dns-c25pcHBldHM-'\.$"):
        check_workdir_path(str(tmp_path))


@pytest.fixture
def tiny_fs(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_disk_full_while_writing_is_a_clear_error_and_leaves_the_repository_untouched(tmp_path, tiny_fs):
    origin = make_origin(tmp_path, ZONES)
    before = tip(origin)
    huge = {"eqiad.wmnet": "h 1H IN A 10.0.0.1\n" * 40_000}  # ~760 kB into a 256 kB filesystem
    with pytest.raises(PublishError, match=r"Failed to write zone file eqiad\.wmnet in .*: disk full"):
        commit_snippets(huge, "m", config(origin, tiny_fs))
    assert tip(origin) == before
    assert read_published_tree(str(origin)) == ZONES


@pytest.mark.parametrize(
    "command, code, flags, removed",
    [
        ("commit", 0, {}, True),  # interactive: pushed or answered, then cleaned up
        ("commit", 0, {"batch": True}, False),  # kept for `push PATH SHA1`
        ("commit", 99, {"batch": True}, True),
        ("commit", 99, {"batch": True, "keep_files": True}, False),
        ("commit", 0, {"keep_files": True}, False),
        ("commit", 2, {"batch": True}, False),  # batch errors: kept for inspection
        ("commit", 0, {"batch": True, "icinga_check": True}, True),
        ("push", 0, {}, True),
        ("push", 5, {}, False),
    ],
)
def test_workdir_cleanup_rules(command, code, flags, removed):
    assert should_remove_workdir(command, code, **flags) is removed
