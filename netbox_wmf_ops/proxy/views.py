"""The script proxy: ``/api/plugins/wmf-ops/proxy/<module>.<Class>/`` runs an allow-listed script synchronously and
answers with its output as ``text/plain`` (what Prometheus scrapes), for clients that cannot poll jobs (§4.3).

At least as strict as NetBox's own script API (``extras.api.views.ScriptViewSet.run``):

* ``GET``/``HEAD`` are dry runs: they never commit (``commit=true`` in the query is refused with 400), so a link or
  a read-only token cannot change anything. The query parameters are the script's variables.
* ``POST`` takes NetBox's script input (``ScriptInputSerializer``: ``{"data": {...}, "commit": bool}``); it needs a
  write-enabled token, or a session with its CSRF token (DRF's session authentication enforces it).
* Variables are parsed as NetBox parses them (``prepare_script_form``): undeclared keys are dropped, invalid ones give
  400 ``{"data": {field: [errors]}}``.
* Anonymous callers get 403 whatever the name. A script the caller may neither view nor run is 404, the same answer
  as for a script that does not exist; a visible one that is not allow-listed, or that the caller may not run, 403.
* Script errors: 500 with the error and the failure lines (JSON).
* Still running after ``proxy_timeout`` seconds: 504 with the job id and URL to poll (the job carries on).
* ``proxy_max_concurrent`` runs busy: 503 with ``Retry-After``; nothing is started.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from extras.api.serializers import ScriptInputSerializer
from extras.models import Script
from extras.scripts import EXEC_PARAM_FIELDS, prepare_script_form
from netbox.api.authentication import IsAuthenticatedOrLoginNotRequired
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from users.models import Token
from utilities.request import copy_safe_request

from netbox_wmf_ops import settings

from ..loaders.report_status import find_script
from .runner import TIMEOUT, PoolFullError, prune_dry_run_jobs, run_script

FALSE_VALUES = {"0", "false", "no", "off", ""}
RETRY_AFTER_SECONDS = 5


def visible_scripts(user):
    """The scripts ``user`` may know about: those they may view or run."""
    view = Script.objects.restrict(user, "view").values("pk")
    run = Script.objects.restrict(user, "run").values("pk")
    return Script.objects.filter(Q(pk__in=view) | Q(pk__in=run))


_ERROR = inline_serializer("WmfOpsProxyError", {"detail": serializers.CharField()})
_FAILED = inline_serializer(
    "WmfOpsProxyFailure",
    {
        "detail": serializers.CharField(),
        "status": serializers.CharField(),
        "error": serializers.CharField(),
        "failures": serializers.ListField(child=serializers.CharField()),
        "job_id": serializers.IntegerField(allow_null=True),
        "job_url": serializers.URLField(allow_null=True),
    },
)
_TIMEOUT = inline_serializer(
    "WmfOpsProxyTimeout",
    {
        "detail": serializers.CharField(),
        "job_id": serializers.IntegerField(allow_null=True),
        "job_url": serializers.URLField(allow_null=True),
    },
)
_RESPONSES = {
    (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="The script's output."),
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: {'data': {field: [errors]}} and the like."),
    403: _ERROR,
    404: _ERROR,
    500: _FAILED,
    503: OpenApiResponse(_ERROR, description="Every proxy worker is busy; retry after Retry-After seconds."),
    504: _TIMEOUT,
}


def _proxy_operation(operation_id: str, description: str, request):
    """The OpenAPI schema of one method of the proxy: the script's name in the path, the proxy's answers."""
    return extend_schema(
        operation_id=operation_id,
        description=description,
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, description="module.ClassName")],
        request=request,
        responses=_RESPONSES,
    )


class ScriptProxyView(APIView):
    permission_classes = [IsAuthenticatedOrLoginNotRequired]
    serializer_class = ScriptInputSerializer  # POST's body; also what drf-spectacular documents

    @_proxy_operation(
        "plugins_wmf_ops_proxy_dry_run",
        "Run an allow-listed script now without committing; query parameters are its variables.",
        request=None,
    )
    def get(self, request: Request, name: str):
        data = request.query_params.copy()
        if data.pop("commit", ["false"])[-1].lower() not in FALSE_VALUES:
            raise ValidationError({"commit": ["GET never commits: POST {'data': {...}, 'commit': true} instead."]})
        return self.proxy(request, name, lambda script: (data, False, "never"))

    @_proxy_operation(
        "plugins_wmf_ops_proxy_run",
        "Run an allow-listed script now, as NetBox's script API would (needs a write-enabled token).",
        request=ScriptInputSerializer,
    )
    def post(self, request: Request, name: str):
        # As NetBox's script API: a read-only token is refused before the script is even looked up.
        if isinstance(request.auth, Token) and not request.auth.write_enabled:
            raise PermissionDenied("This token does not permit write operations (running a script).")

        def parse(script: Script):
            serializer = ScriptInputSerializer(data=request.data, context={"request": request, "script": script})
            serializer.is_valid(raise_exception=True)
            validated = serializer.validated_data
            if validated.get("schedule_at") or validated.get("interval"):
                raise ValidationError({"schedule_at": ["The proxy runs scripts now; schedule through NetBox's API."]})
            return validated["data"], validated["commit"], validated["notifications"]

        return self.proxy(request, name, parse)

    def proxy(self, request: Request, name: str, parse):
        user = request.user
        if not user.is_authenticated:
            raise PermissionDenied("This user does not have permission to run this script.")
        script = find_script(name, visible_scripts(user))
        if script is None:  # missing and invisible look the same
            raise NotFound(f"no script {name!r} visible to you")
        if name not in settings.get("proxy_allowed_scripts"):
            raise PermissionDenied(f"script {name!r} is not allowed through the proxy")
        if not script.is_executable or script.python_class is None:
            raise NotFound(f"no executable script {name!r}")
        if not user.has_perm("extras.run_script", obj=script):
            raise PermissionDenied(f"you may not run {name!r}")

        data, commit, notifications = parse(script)
        form = prepare_script_form(script.python_class(), data, files=request.FILES or None)
        if not form.is_valid():
            errors = {k: v for k, v in form.errors.items() if k not in EXEC_PARAM_FIELDS}
            return Response({"data": errors or {"__all__": ["Invalid script input."]}}, status=400)
        cleaned = {k: v for k, v in form.cleaned_data.items() if k not in EXEC_PARAM_FIELDS}

        timeout = settings.get("proxy_timeout")
        try:
            outcome = run_script(
                script,
                user,
                cleaned,
                commit,
                copy_safe_request(request._request),
                timeout,
                max_workers=settings.get("proxy_max_concurrent"),
                notifications=notifications,
            )
        except PoolFullError as exc:
            response = Response({"detail": f"{exc}; retry later"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        job_url = reverse("core-api:job-detail", args=[outcome.job_id], request=request) if outcome.job_id else None
        if outcome.status == TIMEOUT:
            return Response(
                {
                    "detail": f"Timeout exceeded: {name} is still running after {timeout} s; poll the job.",
                    "job_id": outcome.job_id,
                    "job_url": job_url,
                },
                status=status.HTTP_504_GATEWAY_TIMEOUT,
            )
        if not commit:
            prune_dry_run_jobs(script, user)
        if outcome.status != "completed":
            return Response(
                {
                    "detail": f"Script {name} {outcome.status}: {outcome.error}",
                    "status": outcome.status,
                    "error": outcome.error,
                    "failures": outcome.failures,
                    "job_id": outcome.job_id,
                    "job_url": job_url,
                },
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        response = HttpResponse(outcome.output, content_type="text/plain; version=0.0.4; charset=utf-8")
        response["X-Job-Id"] = str(outcome.job_id)
        return response
