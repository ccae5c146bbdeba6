"""The doors onto the DNS generator: `netbox wmf_ops_dns commit|push` (batch, interactive, Icinga), the script
(dry run shows the diff, commit publishes), and the background job, against a real bare repository."""

import io
import json
from pathlib import Path

import git
import pytest
from django.core.management import CommandError, call_command

from netbox_wmf_ops.dns import service
from netbox_wmf_ops.dns.jobs import DnsSnippetsJob
from netbox_wmf_ops.dns.publish import WORKDIR_PREFIX, read_published_tree
from netbox_wmf_ops.scripts.dns import GenerateDnsSnippets
from tests.integration.dns.fleet import build_fleet


@pytest.fixture
def dns_repo(settings, tmp_path):
    """An empty bare repository configured as dns_repository_path, temp work trees and state file under tmp_path."""
    origin = tmp_path / "dns.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    plugin = dict(settings.PLUGINS_CONFIG.get("netbox_wmf_ops", {}))
    plugin.update(
        dns_repository_path=str(origin),
        dns_work_dir=str(tmp_path / "work"),
        dns_icinga_state_file=str(tmp_path / "dns-state.json"),
        dns_lock_timeout=5,
    )
    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_wmf_ops": plugin}
    return origin


def run(*args, stdin_answer=None, monkeypatch=None):
    """call_command, returning (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    if stdin_answer is not None:
        monkeypatch.setattr("builtins.input", lambda prompt="": (out.write(prompt), stdin_answer)[1])
    try:
        call_command("wmf_ops_dns", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as e:
        code = e.code
    return code, out.getvalue(), err.getvalue()


def tip(origin: Path) -> str | None:
    repo = git.Repo(origin)
    return repo.head.commit.hexsha if repo.head.is_valid() else None


@pytest.mark.django_db
def test_batch_commit_review_push_then_no_change(dns_repo):
    fleet = build_fleet()
    code, out, err = run("commit", "--batch", "Batch update")
    assert code == 0, err
    meta = json.loads(out.strip().splitlines()[-1].removeprefix("METADATA: "))
    assert out.strip().splitlines()[-1].startswith("METADATA: {")
    assert list(meta) == ["path", "sha1", "insertions", "deletions", "lines", "files"]
    assert Path(meta["path"]).name.startswith(WORKDIR_PREFIX) and Path(meta["path"]).is_dir()
    assert meta["deletions"] == 0 and meta["files"] >= 9 and meta["insertions"] == meta["lines"] >= 18
    assert "[INFO] Committed changes: " + meta["sha1"] in err
    assert f"{fleet.server.name}.{fleet.site.slug}.wmnet" in out  # git show of the commit
    assert tip(dns_repo) is None  # nothing published before the push

    code, _, err = run("push", meta["path"], meta["sha1"])
    assert code == 0, err
    assert tip(dns_repo) == meta["sha1"]
    assert not Path(meta["path"]).exists()
    assert f"Temporary directory {meta['path']} removed." in err
    assert read_published_tree(str(dns_repo)) == service.generate_snippets(service.load_settings()).files

    code, out, err = run("commit", "--batch", "Again")
    assert code == 99
    assert out.strip().splitlines()[-1] == 'METADATA: {"no_changes": true}'
    assert "[INFO] Nothing to commit!" in err


@pytest.mark.django_db
def test_push_refuses_a_wrong_sha1_and_a_foreign_path(dns_repo, tmp_path):
    build_fleet()
    _, out, _ = run("commit", "--batch", "m")
    meta = json.loads(out.strip().splitlines()[-1].removeprefix("METADATA: "))
    code, _, err = run("push", meta["path"], "f" * 40)
    assert code == 5
    assert f"[ERROR] Head SHA1 {meta['sha1']} does not match given SHA1 {'f' * 40}" in err
    assert Path(meta["path"]).is_dir() and tip(dns_repo) is None
    with pytest.raises(CommandError, match="doesn't match the directory prefix 'dns-c25pcHBldHM-'"):
        call_command("wmf_ops_dns", "push", str(tmp_path), meta["sha1"])


@pytest.mark.django_db
def test_push_refuses_a_clone_of_another_repository_and_a_directory_that_is_not_one(dns_repo, tmp_path):
    """Issue #11: a prefixed directory is not enough; its origin must be the configured repository."""
    build_fleet()
    elsewhere = tmp_path / "elsewhere.git"
    git.Repo.init(elsewhere, bare=True, initial_branch="main")
    work = tmp_path / "work" / f"{WORKDIR_PREFIX}foreign"
    clone = git.Repo.clone_from(elsewhere, work)
    (work / "x.wmnet").write_text("x 1H IN A 10.0.0.1\n")
    clone.git.add("-A")
    clone.git.commit("-m", "not reviewed", author="Someone <s@example.org>")
    code, _, err = run("push", str(work), clone.head.commit.hexsha)
    assert code == 2
    assert f"is a clone of '{elsewhere}', not of the configured DNS repository '{dns_repo}'" in err
    assert not git.Repo(elsewhere).head.is_valid()  # nothing pushed there
    assert "Traceback" not in err

    plain = tmp_path / "work" / f"{WORKDIR_PREFIX}plain"
    plain.mkdir()
    code, _, err = run("push", str(plain), "f" * 40)
    assert code == 2 and "is not a git work tree made by `commit`" in err and "Traceback" not in err


@pytest.mark.django_db
def test_interactive_commit_asks_before_pushing(dns_repo, monkeypatch):
    build_fleet()
    code, out, err = run("commit", "m", stdin_answer="n", monkeypatch=monkeypatch)
    assert code == 3
    assert f"OK to push the changes to the {dns_repo} repository? (y/n) " in out
    assert "[ERROR] Manually aborted." in err
    assert tip(dns_repo) is None
    # Without a terminal to wait on ("Press any key"), the clone is kept for inspection instead of removed.
    kept = list((dns_repo.parent / "work").iterdir())
    assert len(kept) == 1 and f"An error occurred, the generated files can be inspected in {kept[0]}" in out

    code, out, err = run("commit", "m", stdin_answer="y", monkeypatch=monkeypatch)
    assert code == 0, err
    assert tip(dns_repo) is not None
    assert "[INFO] Pushed with bitflags " in err


@pytest.mark.django_db
def test_missing_repository_is_a_clear_error(settings, tmp_path):
    plugin = {**settings.PLUGINS_CONFIG.get("netbox_wmf_ops", {}), "dns_repository_path": str(tmp_path / "none")}
    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_wmf_ops": plugin}
    code, _, err = run("commit", "--batch", "m")
    assert code == 2
    assert f"[ERROR] DNS repository {tmp_path / 'none'} does not exist" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_icinga_check_writes_the_state_and_reuses_a_recent_one(dns_repo, tmp_path):
    build_fleet()
    state_file = tmp_path / "dns-state.json"
    code, _, err = run("commit", "--icinga-check")
    assert code == 0, err
    state = json.loads(state_file.read_text())
    assert (state["exit_code"], state["message"]) in [
        (2, "Netbox has uncommitted DNS changes"),
        (1, "Netbox has uncommitted DNS changes, but last edit in Netbox is within 30 minutes"),
    ]
    assert not list((tmp_path / "work").iterdir())  # Icinga mode always removes its clone

    code, _, err = run("commit", "--icinga-check")
    assert code == 0 and "[INFO] Skipping" in err
    assert json.loads(state_file.read_text()) == state

    assert run("commit", "--batch", "m")[0] == 0
    meta = json.loads(run("commit", "--batch", "m")[1].strip().splitlines()[-1].removeprefix("METADATA: "))
    assert run("push", meta["path"], meta["sha1"])[0] == 0
    state_file.unlink()
    code, _, err = run("commit", "--icinga-check")
    assert code == 0
    assert json.loads(state_file.read_text())["exit_code"] == 0
    assert json.loads(state_file.read_text())["message"] == "Netbox has zero uncommitted DNS changes"
    state_file.write_text("garbage")
    code, _, err = run("commit", "--icinga-check")
    assert code == 0 and f"[ERROR] Failed to read Icinga state from {state_file}: " in err
    assert json.loads(state_file.read_text())["exit_code"] == 0


@pytest.mark.django_db
def test_script_dry_run_shows_the_diff_and_commit_publishes(dns_repo):
    fleet = build_fleet()
    script = GenerateDnsSnippets()
    output = script.run({"message": "", "force": False}, commit=False)
    assert f"+++ b/{fleet.site.slug}.wmnet" in output
    assert f"+{fleet.server.name}" in output
    assert tip(dns_repo) is None
    assert script.messages[-1]["status"] == "success"
    assert script.messages[-1]["message"].endswith(" zone files to change")
    failures = [m for m in script.messages if m["status"] == "failure"]
    assert not failures
    offline = next(m for m in script.messages if fleet.offline.name in m["message"])
    assert offline["status"] == "warning" and offline["obj"] is not None

    script = GenerateDnsSnippets()
    script.run({"message": "From the script", "force": False}, commit=True)
    assert git.Repo(dns_repo).head.commit.message.strip() == "From the script"
    assert read_published_tree(str(dns_repo)) == service.generate_snippets(service.load_settings()).files
    assert script.messages[-1]["message"].endswith(" zone files published")
    assert not list((dns_repo.parent / "work").iterdir())

    script = GenerateDnsSnippets()
    assert script.run({}, commit=False) == "No changes."
    assert script.messages[-1]["message"] == "0 zone files to change"


@pytest.mark.django_db
def test_job_publishes_and_checks(dns_repo):
    build_fleet()
    job = DnsSnippetsJob.enqueue(immediate=True, publish=True)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    assert job.data["exit_code"] == 0 and job.data["sha1"] == tip(dns_repo)

    job = DnsSnippetsJob.enqueue(immediate=True)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    assert job.data["exit_code"] == 0
    assert job.data["message"] == "Netbox has zero uncommitted DNS changes"


@pytest.mark.django_db
def test_a_job_removes_the_clone_a_killed_job_left_and_leaves_the_commands_alone(dns_repo, tmp_path):
    from netbox_wmf_ops.dns.jobs import JOB_WORK_SUBDIR

    killed = tmp_path / "work" / JOB_WORK_SUBDIR / f"{WORKDIR_PREFIX}killed"
    killed.mkdir(parents=True)
    (killed / "half-written").write_text("1")
    kept_for_review = tmp_path / "work" / f"{WORKDIR_PREFIX}review"  # a command's `commit --keep-files`
    kept_for_review.mkdir()
    job = DnsSnippetsJob.enqueue(immediate=True, publish=True)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    assert not killed.exists() and kept_for_review.exists()
    assert any("left behind by an interrupted run" in entry["message"] for entry in job.log_entries)
    assert not (tmp_path / "work" / JOB_WORK_SUBDIR).exists()  # its own clone is gone too, and the empty directory


@pytest.mark.django_db
def test_script_refuses_to_publish_over_a_threshold_unless_forced(dns_repo, settings):
    build_fleet()
    settings.PLUGINS_CONFIG["netbox_wmf_ops"]["dns_min_records"] = 10**6
    caution = "CAUTION: the generated records are less than the minimum limit of 1000000. Check the diff!"

    script = GenerateDnsSnippets()
    script.run({"message": "", "force": False}, commit=True)
    failures = [m["message"] for m in script.messages if m["status"] == "failure"]
    assert failures == [caution, "Refusing to push changes over the safety thresholds without --force"]
    assert script.messages[-1] == {**script.messages[-1], "status": "success", "message": "0 zone files published"}
    assert tip(dns_repo) is None

    script = GenerateDnsSnippets()
    script.run({"message": "", "force": True}, commit=True)
    assert tip(dns_repo) is not None
    assert script.messages[-1]["message"] != "0 zone files published"
