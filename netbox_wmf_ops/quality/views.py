"""Data quality pages: Checks (every shipped report, its last run, a Run button), Findings, Runs, run detail."""

from __future__ import annotations

from datetime import timedelta

from core.choices import JobStatusChoices
from core.models import Job
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from netbox.object_actions import BulkDelete, BulkExport, DeleteObject
from netbox.views import generic
from utilities.views import ConditionalLoginRequiredMixin, GetReturnURLMixin, register_model_view

from ..models import CheckRun, Finding, ReportSubscription
from ..models.checkrun import CheckRunDoorChoices, CheckRunStatusChoices
from ..models.finding import acknowledgement_active_q
from . import catalog
from .acknowledge import acknowledge, unacknowledge
from .actions import BulkAcknowledge, BulkUnacknowledge
from .filtersets import CheckRunFilterSet, FindingFilterSet
from .forms import AcknowledgeForm, CheckRunFilterForm, FindingFilterForm
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
    acknowledged = acknowledgement_active_q()
    subscribed = set(ReportSubscription.objects.filter(user_id=user.pk).values_list("report", flat=True))
    counts = {
        row["report"]: row
        for row in Finding.objects.restrict(user, "view")
        .visible_to(user)
        .open()
        .values("report")
        .annotate(
            # Acknowledged findings (acknowledgement in force) count apart, neither as failures/warnings nor as new.
            failures=Count("pk", filter=Q(level="failure") & ~acknowledged),
            warnings=Count("pk", filter=Q(level="warning") & ~acknowledged),
            new=Count("pk", filter=Q(first_run__in=[run.pk for run in runs.values()]) & ~acknowledged),
            acknowledged=Count("pk", filter=acknowledged),
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
                "acknowledged": found.get("acknowledged", 0),
                "owner": catalog.owner_of(name),
                "subscribed": name in subscribed,
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


class SubscribeView(ConditionalLoginRequiredMixin, View):
    """POST: subscribe the user to a report's notifications, or (``subscribe=0``) unsubscribe. Any user who may view
    check runs may subscribe themselves; what a notification tells them is limited to what they may view."""

    def post(self, request, report: str):
        if not request.user.is_authenticated or not request.user.has_perm("netbox_wmf_ops.view_checkrun"):
            return HttpResponseForbidden("You need the permission to view check runs to subscribe to a report.")
        if catalog.report_class(report) is None:
            raise Http404(f"no report {report}")
        if request.POST.get("subscribe", "1") == "0":
            ReportSubscription.objects.filter(user=request.user, report=report).delete()
            messages.info(request, f"You will no longer be notified about {report}.")
        else:
            ReportSubscription.objects.get_or_create(user=request.user, report=report)
            messages.info(request, f"You will be notified when a run of {report} opens new failures.")
        return redirect("plugins:netbox_wmf_ops:checks")


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
    queryset = Finding.objects.select_related(
        "site", "role", "tenant", "object_type", "acknowledged_by"
    ).prefetch_related("object")
    filterset = FindingFilterSet
    filterset_form = FindingFilterForm
    table = FindingTable
    actions = (BulkExport, BulkAcknowledge, BulkUnacknowledge)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@register_model_view(Finding)
class FindingView(generic.ObjectView):
    queryset = Finding.objects.select_related(
        "first_run", "last_run", "resolved_by", "site", "role", "tenant", "acknowledged_by"
    )
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


# ------------------------------------------------------------------------------------------------ acknowledgements


def acknowledgeable(user):
    """The findings `user` may acknowledge: the "acknowledge" permission action on findings (ObjectPermission
    constraints apply) and about an object the user may view."""
    return Finding.objects.restrict(user, "acknowledge").visible_to(user)


class _AcknowledgeMixin(ConditionalLoginRequiredMixin, GetReturnURLMixin):
    queryset = Finding.objects.all()
    template_name = "netbox_wmf_ops/quality/acknowledge.html"

    def forbidden(self, request):
        return HttpResponseForbidden("You need the permission netbox_wmf_ops.acknowledge_finding.")

    def selected(self, request):
        """The findings the request names (``pk`` values, or ``_all`` with the list's filter) that the user may
        acknowledge."""
        queryset = acknowledgeable(request.user)
        if request.POST.get("_all"):
            return FindingFilterSet(request.GET, queryset, request=request).qs
        return queryset.filter(pk__in=[pk for pk in request.POST.getlist("pk") if pk.isdigit()])


class _OneFindingMixin(_AcknowledgeMixin):
    """The views of one finding: a signed-in user without the permission gets 403, a finding the user may not
    acknowledge 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("netbox_wmf_ops.acknowledge_finding"):
            return self.forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def finding(self, request, pk: int) -> Finding:
        return get_object_or_404(acknowledgeable(request.user), pk=pk)


@register_model_view(Finding, "acknowledge")
class FindingAcknowledgeView(_OneFindingMixin, View):
    """Acknowledge one finding with a reason and an optional expiry date."""

    def get(self, request, pk: int):
        finding = self.finding(request, pk)
        return self._render(request, [finding], AcknowledgeForm())

    def post(self, request, pk: int):
        finding = self.finding(request, pk)
        form = AcknowledgeForm(request.POST)
        if not form.is_valid():
            return self._render(request, [finding], form)
        acknowledge([finding], request.user, form.cleaned_data["reason"], form.cleaned_data["until"])
        messages.success(request, f"Acknowledged {finding}")
        return redirect(self.get_return_url(request, finding))

    def _render(self, request, findings, form):
        return render(
            request,
            self.template_name,
            {
                "findings": findings,
                "form": form,
                "return_url": self.get_return_url(request, findings[0]),
                "bulk": False,
            },
        )


@register_model_view(Finding, "unacknowledge")
class FindingUnacknowledgeView(_OneFindingMixin, View):
    """Clear one finding's acknowledgement (GET asks, POST does it)."""

    template_name = "netbox_wmf_ops/quality/unacknowledge.html"

    def get(self, request, pk: int):
        finding = self.finding(request, pk)
        return render(
            request,
            self.template_name,
            {"findings": [finding], "return_url": self.get_return_url(request, finding), "bulk": False},
        )

    def post(self, request, pk: int):
        finding = self.finding(request, pk)
        unacknowledge([finding])
        messages.success(request, f"Cleared the acknowledgement of {finding}")
        return redirect(self.get_return_url(request, finding))


@register_model_view(Finding, "bulk_acknowledge", path="acknowledge", detail=False)
class FindingBulkAcknowledgeView(_AcknowledgeMixin, View):
    """POST from the Findings list: the selected rows (first the form, then ``_apply``)."""

    def post(self, request):
        if not request.user.has_perm("netbox_wmf_ops.acknowledge_finding"):
            return self.forbidden(request)
        findings = list(self.selected(request).open())
        if not findings:
            messages.warning(request, "No open finding you may acknowledge was selected.")
            return redirect(self.get_return_url(request))
        form = AcknowledgeForm(request.POST if "_apply" in request.POST else None)
        if "_apply" in request.POST and form.is_valid():
            done = acknowledge(findings, request.user, form.cleaned_data["reason"], form.cleaned_data["until"])
            messages.success(request, f"Acknowledged {len(done)} findings")
            return redirect(self.get_return_url(request))
        return render(
            request,
            self.template_name,
            {"findings": findings, "form": form, "return_url": self.get_return_url(request), "bulk": True},
        )


@register_model_view(Finding, "bulk_unacknowledge", path="unacknowledge", detail=False)
class FindingBulkUnacknowledgeView(_AcknowledgeMixin, View):
    template_name = "netbox_wmf_ops/quality/unacknowledge.html"

    def post(self, request):
        if not request.user.has_perm("netbox_wmf_ops.acknowledge_finding"):
            return self.forbidden(request)
        findings = list(self.selected(request).filter(acknowledged__isnull=False))
        if "_apply" in request.POST:
            done = unacknowledge(findings)
            messages.success(request, f"Cleared {len(done)} acknowledgements")
            return redirect(self.get_return_url(request))
        return render(
            request,
            self.template_name,
            {"findings": findings, "return_url": self.get_return_url(request), "bulk": True},
        )
