from __future__ import annotations

from django.db import DataError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from netbox.api.authentication import TokenPermissions
from netbox.api.viewsets import NetBoxReadOnlyModelViewSet
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ...models import CheckRun, Finding
from ...models.checkrun import CheckRunDoorChoices
from .. import catalog
from ..acknowledge import acknowledge, unacknowledge
from ..filtersets import CheckRunFilterSet, FindingFilterSet
from .serializers import AcknowledgeSerializer, CheckRunSerializer, FindingSerializer


class TokenAcknowledgePermission(TokenPermissions):
    """The acknowledge/unacknowledge actions: a write token (for a token) and the "acknowledge" action on findings,
    in place of the "add" permission a POST otherwise maps to."""

    perms_map = {**TokenPermissions.perms_map, "POST": ["%(app_label)s.acknowledge_%(model_name)s"]}


class RefusedFilterValuesMixin:
    """A filter value the database refuses (a regular expression PostgreSQL cannot compile, say) answers 400 with the
    database's reason instead of a 500; the query runs in a savepoint, so the request's transaction stays usable."""

    def list(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return super().list(request, *args, **kwargs)
        except DataError as exc:
            reason = str(exc.__cause__ or exc).strip().splitlines()[0]
            raise ValidationError({"detail": f"the database refuses a filter value: {reason}"}) from None


class FindingViewSet(RefusedFilterValuesMixin, NetBoxReadOnlyModelViewSet):
    """GET /api/plugins/wmf-ops/findings/ — filterable like the Findings page; only findings about objects the token's
    user may view."""

    queryset = Finding.objects.select_related(
        "object_type", "site", "role", "tenant", "acknowledged_by"
    ).prefetch_related("object")
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_permissions(self):
        if self.action in ("acknowledge", "unacknowledge"):
            return [TokenAcknowledgePermission()]
        return super().get_permissions()

    def _acknowledgeable(self, pk) -> Finding:
        """The finding, if the user may see it (404 otherwise) and acknowledge it (403 otherwise)."""
        user = self.request.user
        if not str(pk).isdigit():
            raise NotFound("no such finding visible to you")
        finding = Finding.objects.restrict(user, "view").visible_to(user).filter(pk=pk).first()
        if finding is None:
            raise NotFound("no such finding visible to you")
        if not Finding.objects.restrict(self.request.user, "acknowledge").filter(pk=pk).exists():
            raise PermissionDenied("you may not acknowledge this finding")
        return finding

    def _answer(self, pk):
        finding = self.queryset.model.objects.select_related("object_type", "site", "role", "tenant").get(pk=pk)
        return Response(FindingSerializer(finding, context={"request": self.request}).data)

    @extend_schema(request=AcknowledgeSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """POST {"reason": "...", "until": "YYYY-MM-DD" (optional)}: acknowledge an open finding."""
        finding = self._acknowledgeable(pk)
        if finding.resolved is not None:
            return Response({"detail": "the finding is resolved"}, status=status.HTTP_409_CONFLICT)
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        acknowledge([finding], request.user, body.validated_data["reason"], body.validated_data.get("until"))
        return self._answer(pk)

    @extend_schema(request=None, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def unacknowledge(self, request, pk=None):
        """POST: clear the finding's acknowledgement."""
        unacknowledge([self._acknowledgeable(pk)])
        return self._answer(pk)


class CheckRunViewSet(RefusedFilterValuesMixin, NetBoxReadOnlyModelViewSet):
    queryset = CheckRun.objects.select_related("user", "job")
    serializer_class = CheckRunSerializer
    filterset_class = CheckRunFilterSet


class RunCheckAPIView(APIView):
    """POST /api/plugins/wmf-ops/checks/<module.Class>/run/ — enqueue a run (permission: add check run; a write
    token). Answers 202 with the job to poll; the run's result is a CheckRun under runs/."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="plugins_wmf_ops_checks_run",
        description="Enqueue a run of a shipped report; poll the job, then read the run under runs/.",
        parameters=[OpenApiParameter("report", str, OpenApiParameter.PATH, description="module.ClassName")],
        request=None,
        responses={
            202: inline_serializer(
                "WmfOpsRunEnqueued",
                {
                    "report": serializers.CharField(),
                    "job_id": serializers.IntegerField(),
                    "job": serializers.URLField(),
                    "runs": serializers.URLField(),
                },
            ),
            403: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
        },
    )
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
