"""The DNS snippet service every door calls (command, script, job): settings, generate, dry-run, commit, publish,
and the Icinga-style state check. Thin over the pure core, the loader and the git publisher."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..config_schema import SETTINGS
from ..heap import heap_frozen
from .exitcodes import ExitCode
from .icinga import RECENT_EDIT_GRACE_SECONDS, IcingaState, read_state, should_skip, state_after_run, write_state
from .loader import load_dns_inputs
from .publish import (
    CommitResult,
    Log,
    PublishConfig,
    commit_snippets,
    push_snippets,
    read_published_tree,
    remove_workdir,
    should_remove_workdir,
)
from .records import DEFAULT_DEVICE_STATUSES, Generation, generate_records
from .treediff import (
    SafetyVerdict,
    Thresholds,
    TreeDiff,
    check_safety,
    diff_trees,
    unified_diff,
)
from .zonefiles import render_zone_files


@dataclass(frozen=True)
class DnsSettings:
    publish: PublishConfig
    commit_message: str = SETTINGS["dns_commit_message"].default
    device_statuses: tuple[str, ...] = DEFAULT_DEVICE_STATUSES
    icinga_state_file: str = ""
    lock_timeout: float = 120.0

    @property
    def thresholds(self) -> Thresholds:
        return self.publish.thresholds


def load_settings(**overrides: Any) -> DnsSettings:
    """Settings from PLUGINS_CONFIG, each overridable by keyword (``dns_repository_path=...``) for doors and tests."""

    from netbox_wmf_ops import settings as plugin_settings

    def get(name: str) -> Any:
        return overrides[name] if name in overrides else plugin_settings.get(name)

    thresholds = Thresholds(
        min_records=int(get("dns_min_records")),
        files_warning=float(get("dns_files_warning_percent")),
        files_error=float(get("dns_files_error_percent")),
        lines_warning=float(get("dns_lines_warning_percent")),
        lines_error=float(get("dns_lines_error_percent")),
    )
    return DnsSettings(
        publish=PublishConfig(
            repository=get("dns_repository_path"),
            author_name=get("dns_git_author_name"),
            author_email=get("dns_git_author_email"),
            work_dir=get("dns_work_dir") or None,
            thresholds=thresholds,
        ),
        commit_message=get("dns_commit_message"),
        device_statuses=tuple(get("dns_device_statuses")),
        icinga_state_file=get("dns_icinga_state_file"),
        lock_timeout=float(get("dns_lock_timeout")),
    )


@dataclass
class Snippets:
    files: dict[str, str]
    generation: Generation
    seconds: dict[str, float] = field(default_factory=dict)  # per-phase timings: load, generate, render

    @property
    def record_count(self) -> int:
        return len(self.generation.forward)


@heap_frozen()
def generate_snippets(settings: DnsSettings) -> Snippets:
    """Load (bulk ORM), generate and render every zone snippet; no git, no lock."""
    t0 = time.perf_counter()
    inputs = load_dns_inputs(settings.device_statuses)
    t1 = time.perf_counter()
    generation = generate_records(
        inputs.hosts, inputs.addresses, inputs.prefixes, device_statuses=settings.device_statuses
    )
    t2 = time.perf_counter()
    files = render_zone_files(generation.forward, generation.reverse)
    t3 = time.perf_counter()
    return Snippets(files, generation, {"load": t1 - t0, "generate": t2 - t1, "render": t3 - t2})


@dataclass
class DryRun:
    diff: TreeDiff
    unified: str
    safety: SafetyVerdict


def dry_run(snippets: Snippets, settings: DnsSettings) -> DryRun:
    """What a commit would change in the published repository, and whether the push would be allowed."""
    published = read_published_tree(settings.publish.repository)
    diff = diff_trees(published, snippets.files)
    return DryRun(
        diff, unified_diff(published, snippets.files), check_safety(diff, snippets.record_count, settings.thresholds)
    )


@dataclass
class PublishOutcome:
    code: ExitCode
    commit: CommitResult | None = None


def publish(
    snippets: Snippets, settings: DnsSettings, *, message: str = "", force: bool = False, log: Log
) -> PublishOutcome:
    """Commit and push in one go (the script with commit=True, the scheduled job); the work tree is removed after."""
    result = commit_snippets(snippets.files, message or settings.commit_message, settings.publish, log=log)
    code = result.code
    try:
        if code == ExitCode.OK:
            code = push_snippets(
                result.path,
                result.sha1,
                repository=settings.publish.repository,
                thresholds=settings.thresholds,
                force=force,
                log=log,
            )
    finally:
        if result.path and should_remove_workdir("commit", code):
            remove_workdir(result.path, log)
    return PublishOutcome(code, result)


def recent_netbox_edit(now_seconds: float | None = None) -> bool:
    """Whether anything was changed in NetBox in the last 30 minutes (someone may still be at work)."""
    from core.models import ObjectChange
    from django.utils import timezone

    now = timezone.now() if now_seconds is None else datetime.fromtimestamp(now_seconds, tz=UTC)
    return ObjectChange.objects.filter(time__gte=now - timedelta(seconds=RECENT_EDIT_GRACE_SECONDS)).exists()


def icinga_check(settings: DnsSettings, *, log: Log, now: float | None = None, honour_skip: bool = True) -> IcingaState:
    """docs/behaviour-reference.md §3.6: reuse a recent state, else generate and commit in a throwaway clone, and write
    the state file."""
    now = time.time() if now is None else now
    state_path = Path(settings.icinga_state_file) if settings.icinga_state_file else None
    if state_path and honour_skip:
        try:
            last = read_state(state_path)
        except (OSError, ValueError, KeyError) as e:
            log("error", f"Failed to read Icinga state from {state_path}: {e}")
        else:
            log("info", f"Last run was {now - last.timestamp:.0f} seconds ago with exit code {last.exit_code}")
            if should_skip(last, now):
                log("info", "Skipping")
                return last
    code: int = ExitCode.ERROR
    result: CommitResult | None = None
    try:
        snippets = generate_snippets(settings)
        for message in snippets.generation.messages:
            if message.level != "debug":
                log(message.level, message.text)
        result = commit_snippets(snippets.files, settings.commit_message, settings.publish, icinga_check=True, log=log)
        code = result.code
    except Exception as e:  # any failure is an Icinga error state, never a crash of the check
        log("error", f"Failed to run: {e}")
        workdir = getattr(e, "path", None)
        if workdir:
            remove_workdir(workdir, log)
    finally:
        if result and result.path:
            remove_workdir(result.path, log)
    state = state_after_run(code, code == ExitCode.OK and recent_netbox_edit(now), now)
    if state_path:
        write_state(state_path, state)
    return state
