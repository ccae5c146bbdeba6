"""The script proxy: ``GET /api/plugins/wmf-ops/proxy/<module>.<Class>/`` runs an allow-listed script synchronously
and answers with its output as ``text/plain`` (what Prometheus scrapes), for clients that cannot poll jobs
(docs/behaviour-reference.md §4.3).

* Not allow-listed: 403 when the script exists, 404 when it does not; no run permission: 403.
* Script errors: 500 with the error and the failure lines (JSON).
* Still running after ``proxy_timeout`` seconds: 504 with the job id and URL to poll (the job carries on).
"""

from __future__ import annotations

from django.http import HttpResponse
from extras.models import Script
from extras.scripts import EXEC_PARAM_FIELDS, prepare_script_form
from netbox.api.authentication import IsAuthenticatedOrLoginNotRequired
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from utilities.request import copy_safe_request

from netbox_wmf_ops import settings

from .runner import TIMEOUT, run_script

FALSE_VALUES = {"0", "false", "no", "off"}


def find_script(name: str) -> Script | None:
    module, _, class_name = name.rpartition(".")
    if not module or not class_name:
        return None
    return Script.objects.filter(module__file_path=f"{module}.py", name=class_name).select_related("module").first()


class ScriptProxyView(APIView):
    permission_classes = [IsAuthenticatedOrLoginNotRequired]

    def get(self, request, name: str):
        data = {k: v for k, v in request.query_params.items() if k != "commit"}
        commit = request.query_params.get("commit", "true").lower() not in FALSE_VALUES
        return self.proxy(request, name, data, commit)

    def post(self, request, name: str):
        body = request.data if isinstance(request.data, dict) else {}
        return self.proxy(request, name, body.get("data") or {}, bool(body.get("commit", True)))

    def proxy(self, request, name: str, data: dict, commit: bool):
        script = find_script(name)
        if name not in settings.get("proxy_allowed_scripts"):
            if script is None:
                raise NotFound(f"no script {name!r}")
            raise PermissionDenied(f"script {name!r} is not allowed through the proxy")
        if script is None or not script.is_executable or script.python_class is None:
            raise NotFound(f"no executable script {name!r}")
        if not request.user.has_perm("extras.run_script", obj=script):
            raise PermissionDenied(f"you may not run {name!r}")
        token = request.auth
        if request.method == "POST" and token is not None and not getattr(token, "write_enabled", True):
            raise PermissionDenied("this token is read-only")

        form = prepare_script_form(script.python_class(), data)
        if not form.is_valid():
            errors = {k: v for k, v in form.errors.items() if k not in EXEC_PARAM_FIELDS}
            return Response({"data": errors}, status=status.HTTP_400_BAD_REQUEST)
        cleaned = {k: v for k, v in form.cleaned_data.items() if k not in EXEC_PARAM_FIELDS}

        timeout = settings.get("proxy_timeout")
        outcome = run_script(script, request.user, cleaned, commit, copy_safe_request(request._request), timeout)
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
