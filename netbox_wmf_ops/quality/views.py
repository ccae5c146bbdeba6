"""Data quality pages: Checks (every shipped report, its last run, a Run button), Findings, Runs, run detail."""

from __future__ import annotations

from datetime import timedelta

from core.choices import JobStatusChoices
from core.models import Job
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from netbox.object_actions import BulkDelete, BulkExport, DeleteObject
from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, register_model_view

from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunDoorChoices, CheckRunStatusChoices
from . import catalog
from .filtersets import CheckRunFilterSet, FindingFilterSet
from .forms import CheckRunFilterForm, FindingFilterForm
from .jobs import RunCheckJob
from .tables import CheckRunTable, FindingTable

RUN_JOB_PREFIX = f"{RunCheckJob.name}: "
ACTIVE = (*JobStatusChoices.ENQUEUED_STATE_CHOICES, JobStatusChoices.STATUS_RUNNING)
STALE_AFTER = timedelta(hours=1)


def enqueue_run(report: str, user, door: str = CheckRunDoorChoices.UI) -> Job:
    """Start a run of `report` in the background (the Checks page's Run button and the REST API)."""
    return RunCheckJob.enqueue(name=f"{RUN_JOB_PREFIX}{report}", user=user, report=report, door=door)


def checks_overview(user) -> list[dict]:
    """One row per shipped report: its newest finished run, the open findings the user may see, whether a run is
    pending or running (and how far it got). A fixed number of queries whatever the number of reports/findings."""
    from ..scheduling import JOB_NAME_PREFIX
    from .runner import latest_runs

    reports = catalog.shipped_reports()
    runs = latest_runs(reports)
    # A run still marked running whose job has ended (a worker killed mid-run) is not shown as in progress.
    running = {
        run.report: run
        for run in CheckRun.objects.filter(status=CheckRunStatusChoices.RUNNING)
        .filter(Q(job__status__in=ACTIVE) | Q(job__isnull=True, started__gte=timezone.now() - STALE_AFTER))
        .order_by("report", "-started")
    }
    counts = {
        row["report"]: row
        for row in Finding.objects.restrict(user, "view")
        .visible_to(user)
        .open()
        .values("report")
        .annotate(
            failures=Count("pk", filter=Q(level="failure")),
            warnings=Count("pk", filter=Q(level="warning")),
            new=Count("pk", filter=Q(first_run__in=[run.pk for run in runs.values()])),
        )
        .order_by()
    }
    active_jobs = set(
        Job.objects.filter(status__in=ACTIVE, name__startswith=RUN_JOB_PREFIX).values_list("name", flat=True)
    )
    schedules = dict(
        Job.objects.filter(name__startswith=JOB_NAME_PREFIX, status__in=ACTIVE).values_list("name", "interval")
    )
    rows = []
    for name, cls in reports.items():
        found = counts.get(name, {})
        in_progress = running.get(name)
        rows.append(
            {
                "name": name,
                "title": catalog.report_title(cls),
                "description": catalog.report_description(cls),
                "run": runs.get(name),
                "failures": found.get("failures", 0),
                "warnings": found.get("warnings", 0),
                "new": found.get("new", 0),
                "schedule": schedules.get(f"{JOB_NAME_PREFIX}{name}"),
                "pending": f"{RUN_JOB_PREFIX}{name}" in active_jobs or in_progress is not None,
                "progress": in_progress,
                "total_tests": len(cls().tests) if in_progress else 0,
            }
        )
    return rows


class ChecksView(ConditionalLoginRequiredMixin, View):
    """Data quality → Checks. Polls itself (HTMX) while a run is pending, so the result shows without a reload."""

    template_name = "netbox_wmf_ops/quality/checks.html"

    def get(self, request):
        if not request.user.has_perm("netbox_wmf_ops.view_checkrun"):
            return HttpResponseForbidden("You need the permission to view check runs.")
        rows = checks_overview(request.user)
        context = {
            "rows": rows,
            "polling": any(row["pending"] for row in rows),
            "can_run": request.user.has_perm("netbox_wmf_ops.add_checkrun"),
        }
        if request.htmx:
            return render(request, "netbox_wmf_ops/quality/checks_table.html", context)
        return render(request, self.template_name, context)


class RunCheckView(ConditionalLoginRequiredMixin, View):
    """POST: enqueue a run of one report (permission: add check run)."""

    def post(self, request, report: str):
        if not request.user.has_perm("netbox_wmf_ops.add_checkrun"):
            return HttpResponseForbidden("You need the permission to add check runs to run a report.")
        if catalog.report_class(report) is None:
            raise Http404(f"no report {report}")
        enqueue_run(report, request.user)
        messages.info(request, f"{report}: run enqueued; this page updates when it finishes.")
        return redirect("plugins:netbox_wmf_ops:checks")


def _visible_findings(request):
    return Finding.objects.visible_to(request.user)


@register_model_view(Finding, "list", path="", detail=False)
class FindingListView(generic.ObjectListView):
    queryset = Finding.objects.select_related("site", "role", "tenant", "object_type").prefetch_related("object")
    filterset = FindingFilterSet
    filterset_form = FindingFilterForm
    table = FindingTable
    actions = (BulkExport,)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@register_model_view(Finding)
class FindingView(generic.ObjectView):
    queryset = Finding.objects.select_related("first_run", "last_run", "resolved_by", "site", "role", "tenant")
    template_name = "netbox_wmf_ops/quality/finding.html"
    actions = ()

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@register_model_view(CheckRun, "list", path="", detail=False)
class CheckRunListView(generic.ObjectListView):
    queryset = CheckRun.objects.select_related("user", "job")
    filterset = CheckRunFilterSet
    filterset_form = CheckRunFilterForm
    table = CheckRunTable
    actions = (BulkExport, BulkDelete)


@register_model_view(CheckRun)
class CheckRunView(generic.ObjectView):
    queryset = CheckRun.objects.select_related("user", "job")
    template_name = "netbox_wmf_ops/quality/checkrun.html"
    actions = (DeleteObject,)

    def get_extra_context(self, request, instance):
        findings = Finding.objects.restrict(request.user, "view").visible_to(request.user)
        opened = FindingTable(findings.filter(first_run=instance).select_related("site", "role"))
        resolved = FindingTable(findings.filter(resolved_by=instance).select_related("site", "role"))
        for table in (opened, resolved):
            table.configure(request)
        previous = (
            CheckRun.objects.restrict(request.user, "view")
            .filter(report=instance.report, started__lt=instance.started)
            .exclude(status=CheckRunStatusChoices.RUNNING)
            .order_by("-started")
            .first()
        )
        return {"opened_table": opened, "resolved_table": resolved, "previous": previous}


@register_model_view(CheckRun, "delete")
class CheckRunDeleteView(generic.ObjectDeleteView):
    queryset = CheckRun.objects.all()


@register_model_view(CheckRun, "bulk_delete", path="delete", detail=False)
class CheckRunBulkDeleteView(generic.BulkDeleteView):
    queryset = CheckRun.objects.all()
    filterset = CheckRunFilterSet
    table = CheckRunTable
