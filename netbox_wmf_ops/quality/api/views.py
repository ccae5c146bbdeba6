from __future__ import annotations

from netbox.api.viewsets import NetBoxReadOnlyModelViewSet
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ...models import CheckRun, Finding
from ...models.checkrun import CheckRunDoorChoices
from .. import catalog
from ..filtersets import CheckRunFilterSet, FindingFilterSet
from .serializers import CheckRunSerializer, FindingSerializer


class FindingViewSet(NetBoxReadOnlyModelViewSet):
    """GET /api/plugins/wmf-ops/findings/ — filterable like the Findings page; only findings about objects the token's
    user may view."""

    queryset = Finding.objects.select_related("object_type", "site", "role", "tenant").prefetch_related("object")
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class CheckRunViewSet(NetBoxReadOnlyModelViewSet):
    queryset = CheckRun.objects.select_related("user", "job")
    serializer_class = CheckRunSerializer
    filterset_class = CheckRunFilterSet


class RunCheckAPIView(APIView):
    """POST /api/plugins/wmf-ops/checks/<module.Class>/run/ — enqueue a run (permission: add check run; a write
    token). Answers 202 with the job to poll; the run's result is a CheckRun under runs/."""

    permission_classes = [IsAuthenticated]

    def post(self, request, report: str):
        if not request.user.has_perm("netbox_wmf_ops.add_checkrun"):
            raise PermissionDenied("you need the permission netbox_wmf_ops.add_checkrun to run a report")
        token = request.auth
        if token is not None and not getattr(token, "write_enabled", True):
            raise PermissionDenied("this token is read-only")
        if catalog.report_class(report) is None:
            raise NotFound(f"no shipped report {report!r}")
        from ..views import enqueue_run

        job = enqueue_run(report, request.user, door=CheckRunDoorChoices.API)
        return Response(
            {
                "report": report,
                "job_id": job.pk,
                "job": reverse("core-api:job-detail", args=[job.pk], request=request),
                "runs": reverse("plugins-api:netbox_wmf_ops-api:checkrun-list", request=request) + f"?report={report}",
            },
            status=status.HTTP_202_ACCEPTED,
        )
