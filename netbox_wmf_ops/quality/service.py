"""The one way findings are recorded: every door (the plugin's job, the management command, schedules, the core
script door) ends in `record_run`. Bulk, in one transaction, with a number of queries that does not depend on the
number of findings (one location query per object type present)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django_pg_utils import advisory_lock

from ..checks import Finding as CheckFinding
from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunStatusChoices
from .diff import Observed, OpenFinding, RunDiff, diff_run, unique_identities

logger = logging.getLogger("netbox_wmf_ops.quality")
RECORDED_LEVELS = ("failure", "warning")
FINISH_FIELDS = (
    "finished", "duration", "tests", "test_counts", "failures", "warnings", "successes", "status", "error",
    "new_findings", "resolved_findings",
)  # fmt: skip
DISPLAY_MAX = 300
SUBJECT_MAX = 600


@contextmanager
def report_lock(report: str):
    """Serialises the runs of one report across processes and rq workers (a PostgreSQL session advisory lock)."""
    with advisory_lock(f"netbox_wmf_ops.report:{report}"):
        yield


def default_rule(report: str, test: str) -> str:
    """The rule code of a finding whose check named none: ``<report class, lower case>.<test without test_>``."""
    return f"{report.rsplit('.', 1)[-1].lower()}.{test.removeprefix('test_')}"


def start_run(report: str, *, door: str, user=None, schedule: str = "", job=None, started=None) -> CheckRun:
    return CheckRun.objects.create(
        report=report,
        started=started or timezone.now(),
        status=CheckRunStatusChoices.RUNNING,
        door=door,
        user=user if getattr(user, "pk", None) else None,
        schedule=schedule,
        job=job,
    )


LOCATION_MODELS = ("Site", "DeviceRole", "Tenant")


def _resolves(model: type[Model], lookup: str, target: str) -> bool:
    """True when `lookup` (e.g. ``device__site``) is a relation of `model` to the model named `target`."""
    current = model
    parts = lookup.split("__")
    for part in parts:
        try:
            field = current._meta.get_field(part)
        except Exception:
            return False
        if not field.is_relation or field.related_model is None or field.many_to_many or field.one_to_many:
            return False
        current = field.related_model
    return current.__name__ == target


def _location_lookups(model: type[Model]) -> list[str | None] | None:
    """The (site, role, tenant) lookups of a model, directly or through its device/virtual machine."""
    for prefix in ("", "device__", "virtual_machine__"):
        if _resolves(model, f"{prefix}site", "Site"):
            return [
                f"{prefix}{name}" if _resolves(model, f"{prefix}{name}", target) else None
                for name, target in zip(("site", "role", "tenant"), LOCATION_MODELS, strict=True)
            ]
    return None


def _locations(objects: dict[int, set[int]]) -> dict[tuple[int, int], tuple[int | None, int | None, int | None]]:
    """{(content type id, pk): (site, role, tenant)}: one query per object type that has a location."""
    found = {}
    for type_id, pks in objects.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        lookups = _location_lookups(model) if model else None
        if not lookups:
            continue
        wanted = [lookup for lookup in lookups if lookup]
        rows = (
            model._default_manager.extra(where=[f"{model._meta.db_table}.id = ANY(%s)"], params=[list(pks)])
            .order_by()
            .values_list("pk", *wanted)
        )
        for pk, *values in rows:
            by_lookup = dict(zip(wanted, values, strict=True))
            found[(type_id, pk)] = tuple(by_lookup[lookup] if lookup else None for lookup in lookups)
    return found


def observe(report: str, findings: Iterable[tuple[str, CheckFinding]]) -> list[Observed]:
    """The failures and warnings among (test, finding) pairs, as plain values (object type, pk, display, location)."""
    pending = []
    objects: dict[int, set[int]] = defaultdict(set)
    for test, finding in findings:
        if finding.level not in RECORDED_LEVELS:
            continue
        obj = finding.obj
        rule = finding.rule or default_rule(report, test)
        if isinstance(obj, Model) and obj.pk is not None:
            type_id = ContentType.objects.get_for_model(obj, for_concrete_model=False).pk
            objects[type_id].add(obj.pk)
            pending.append((test, rule, finding, type_id, obj.pk, "", str(obj)))
        else:
            display = "" if obj is None else str(obj)
            subject = display or finding.message
            pending.append((test, rule, finding, None, None, subject[:SUBJECT_MAX], display))
    locations = _locations(objects)
    observed = []
    for test, rule, finding, type_id, pk, subject, display in pending:
        site, role, tenant = locations.get((type_id, pk), (None, None, None))
        observed.append(
            Observed(
                test=test,
                rule=rule,
                level=finding.level,
                object_type=type_id,
                object_id=pk,
                subject=subject,
                display=display[:DISPLAY_MAX],
                message=str(finding.message),
                site=site,
                role=role,
                tenant=tenant,
            )
        )
    return observed


def _open_findings(report: str) -> list[OpenFinding]:
    rows = Finding.objects.filter(report=report, resolved__isnull=True).values_list(
        "pk", "test", "rule", "level", "object_type_id", "object_id", "subject", "display", "message", "site_id",
        "role_id", "tenant_id",
    )  # fmt: skip
    return [
        OpenFinding(pk, Observed(test, rule, level, ot, oid, subject, display, message, site, role, tenant))
        for pk, test, rule, level, ot, oid, subject, display, message, site, role, tenant in rows
    ]


def _apply(report: str, run: CheckRun, diff: RunDiff, now: datetime) -> None:
    table = Finding._meta.db_table
    if diff.create:
        # INSERT ... SELECT FROM unnest(arrays): one statement and no model instances, however many new findings.
        fields = ("test", "rule", "level", "object_type", "object_id", "subject", "display", "message", "site")
        columns = [[getattr(o, field) for o in diff.create] for field in (*fields, "role", "tenant")]
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (report, test, rule, level, object_type_id, object_id, subject, display,
                    message, site_id, role_id, tenant_id, first_seen, last_seen, first_run_id, last_run_id, created,
                    last_updated, custom_field_data, acknowledged_reason)
                SELECT %s, v.*, %s, %s, %s, %s, %s, %s, '{{}}'::jsonb, ''
                FROM unnest(%s::text[], %s::text[], %s::text[], %s::integer[], %s::bigint[], %s::text[], %s::text[],
                            %s::text[], %s::bigint[], %s::bigint[], %s::bigint[])
                    AS v(test, rule, level, object_type, object_id, subject, display, message, site, role, tenant)""",
                [report, now, now, run.pk, run.pk, now, now, *columns],
            )
    if diff.keep:
        # `id = ANY(array)`: one parameter, however many findings (an IN list of 10,000 is slow to build and parse).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_seen = %s, last_run_id = %s, last_updated = %s WHERE id = ANY(%s)",
                [now, run.pk, now, diff.keep],
            )
    if diff.update:
        # One UPDATE ... FROM unnest(arrays) whatever the number of changed findings. A changed message clears the
        # finding's acknowledgement (it was given for the old message; docs/data-quality.md, "Acknowledgements").
        columns = list(zip(*[(pk, *o.payload()) for pk, o in diff.update], strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table} AS f SET level = v.level, display = v.display, message = v.message,
                    site_id = v.site, role_id = v.role, tenant_id = v.tenant,
                    last_seen = %s, last_run_id = %s, last_updated = %s,
                    acknowledged = CASE WHEN f.message = v.message THEN f.acknowledged END,
                    acknowledged_by_id = CASE WHEN f.message = v.message THEN f.acknowledged_by_id END,
                    acknowledged_until = CASE WHEN f.message = v.message THEN f.acknowledged_until END,
                    acknowledged_reason = CASE WHEN f.message = v.message THEN f.acknowledged_reason ELSE '' END
                FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::bigint[],
                            %s::bigint[]) AS v(id, level, display, message, site, role, tenant)
                WHERE f.id = v.id""",
                [now, run.pk, now, *[list(column) for column in columns]],
            )
    if diff.resolve:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET resolved = %s, resolved_by_id = %s, last_updated = %s WHERE id = ANY(%s)",
                [now, run.pk, now, diff.resolve],
            )


def record_run(
    run: CheckRun,
    *,
    tests_run: Sequence[str],
    findings: Iterable[tuple[str, CheckFinding]],
    error: str = "",
    finished: datetime | None = None,
) -> CheckRun:
    """Finish `run` with what the report found: (test, finding) pairs of the tests in `tests_run`. A run that
    errored changes no finding (it may have stopped half way: nothing it did not see is resolved, nothing it saw
    is trusted); it is kept with its error and counts."""
    findings = list(findings)
    finished = finished or timezone.now()
    counts = defaultdict(int)
    per_test = {test: dict.fromkeys(("failure", "warning", "success", "info"), 0) for test in tests_run}
    for test, finding in findings:
        counts[finding.level] += 1
        per_test.setdefault(test, dict.fromkeys(("failure", "warning", "success", "info"), 0))[finding.level] += 1
    run.test_counts = per_test
    run.finished = finished
    run.duration = (finished - run.started).total_seconds()
    run.tests = list(tests_run)
    run.failures, run.warnings, run.successes = counts["failure"], counts["warning"], counts["success"]
    with transaction.atomic():
        if error:
            run.status = CheckRunStatusChoices.ERRORED
            run.error = error[:5000]
        else:
            diff = diff_run(_open_findings(run.report), observe(run.report, findings), tests_run)
            _apply(run.report, run, diff, finished)
            run.status = CheckRunStatusChoices.COMPLETED
            run.new_findings, run.resolved_findings = len(diff.create), len(diff.resolve)
        # A plain UPDATE: a run's end is no user change (no change log, no signal work on the hot path).
        CheckRun.objects.filter(pk=run.pk).update(**{field: getattr(run, field) for field in FINISH_FIELDS})
    from .notify import notify_run_safely

    notify_run_safely(run)
    return run


__all__ = ["default_rule", "observe", "record_run", "report_lock", "start_run", "unique_identities"]
