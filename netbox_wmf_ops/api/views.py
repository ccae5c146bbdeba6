"""Report status (the alerting verdict as JSON) and report metrics (Prometheus text)."""

from core.models import Job
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from extras.models import Script
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..alerting import EXIT_CODES, judge, parse_duration
from ..health import recurring_metric_families, summary_line, worst
from ..loaders.job_health import recurring_verdicts
from ..loaders.report_status import find_script, latest_result, latest_results
from ..metrics import report_metric_families
from ..prometheus import CONTENT_TYPE, render
from ..quality.catalog import owner_of
from ..registration import SHIM_PREFIX

_DETAIL = inline_serializer("WmfOpsDetail", {"detail": serializers.CharField()})


class ReportStatusView(APIView):
    """GET /api/plugins/wmf-ops/reports/<module.Class>/status/?max_age=26h&warning_only=true"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="plugins_wmf_ops_report_status",
        description="The alerting verdict of a report's latest result (docs/alerting.md).",
        parameters=[
            OpenApiParameter("report", str, OpenApiParameter.PATH, description="module.ClassName"),
            OpenApiParameter("max_age", str, description="A duration such as 26h; older results are stale."),
            OpenApiParameter("warning_only", bool, description="Failures give a warning instead of critical."),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: _DETAIL, 404: _DETAIL},
    )
    def get(self, request, report: str):
        script = find_script(report, Script.objects.restrict(request.user, "view"))
        if script is None:
            return Response({"detail": f"no report {report!r} visible to you"}, status=404)
        try:
            max_age = parse_duration(request.query_params["max_age"]) if request.query_params.get("max_age") else None
        except ValueError as exc:
            return Response({"max_age": str(exc)}, status=400)
        warning_only = request.query_params.get("warning_only", "").lower() in ("1", "true", "yes")
        alerts = owner_of(report).alerts
        verdict = judge(report, latest_result(report, request.user), timezone.now(), max_age, warning_only, alerts)
        return Response(verdict.as_dict())


class ReportMetricsView(APIView):
    """GET /api/plugins/wmf-ops/metrics/ — results of the plugin's reports for Prometheus (bearer-token scrape)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="plugins_wmf_ops_report_metrics",
        description="Results of the plugin's reports in the Prometheus text format.",
        responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR), 403: _DETAIL},
    )
    def get(self, request):
        scripts = Script.objects.restrict(request.user, "view").filter(module__file_path__startswith=SHIM_PREFIX)
        names = [f"{script.module.python_name}.{script.name}" for script in scripts.select_related("module")]
        families = report_metric_families(latest_results(names, request.user), {name: owner_of(name) for name in names})
        if request.user.has_perm("core.view_job"):  # the recurring work's health (netbox_wmf_ops.health)
            families += recurring_metric_families(recurring_verdicts(Job.objects.restrict(request.user, "view")))
        return HttpResponse(render(families), content_type=CONTENT_TYPE)


class RecurringStatusView(APIView):
    """GET /api/plugins/wmf-ops/jobs/status/ — the recurring-work check (`netbox wmf_ops_check_jobs`) as JSON."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="plugins_wmf_ops_recurring_status",
        description="Health of the plugin's recurring work (dump, DNS, Ganeti, report schedules); needs core.view_job.",
        responses={
            200: inline_serializer(
                "WmfOpsRecurringStatus",
                {
                    "state": serializers.CharField(),
                    "exit_code": serializers.IntegerField(),
                    "summary": serializers.CharField(),
                    "jobs": serializers.ListField(child=serializers.DictField()),
                },
            ),
            403: _DETAIL,
        },
    )
    def get(self, request):
        if not request.user.has_perm("core.view_job"):
            return Response({"detail": "viewing jobs (core.view_job) is needed for their health"}, status=403)
        verdicts = recurring_verdicts(Job.objects.restrict(request.user, "view"))
        state = worst(verdicts)
        return Response(
            {
                "state": state,
                "exit_code": EXIT_CODES[state],
                "summary": summary_line(verdicts),
                "jobs": [verdict.as_dict() for verdict in verdicts],
            }
        )
