"""CSV export pages and API endpoints: the dump's tables, one download per table, rows filtered by NetBox permissions.

A user sees a table only with the view permission on its model, and downloads only the rows their object
permissions allow (``restrict(user, 'view')``): the same rule as NetBox's own lists and API.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from netbox.api.authentication import IsAuthenticatedOrLoginNotRequired
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from utilities.views import ConditionalLoginRequiredMixin

from .loader import model_of, write_table_csv
from .tables import TABLES, TableSpec, get_table


def view_permission(spec: TableSpec) -> str:
    model = model_of(spec)
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def visible_tables(user) -> list[TableSpec]:
    return [spec for spec in TABLES if user.has_perm(view_permission(spec))]


def allowed_table(user, name: str) -> TableSpec:
    """The table called ``name``: 404 when there is none, 403 without the view permission on its model (as NetBox's
    own list views)."""
    spec = get_table(name)
    if spec is None:
        raise Http404(f"no exportable table {name!r}")
    if not user.has_perm(view_permission(spec)):
        raise PermissionDenied(f"you may not view {spec.model}")
    return spec


def csv_response(spec: TableSpec, user) -> HttpResponse:
    buffer = io.StringIO()
    rows = write_table_csv(spec, buffer, user=user)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{spec.name}-{stamp}.csv"'
    response["X-Row-Count"] = str(rows)
    return response


class ExportListView(ConditionalLoginRequiredMixin, View):
    def get(self, request):
        tables = [
            {"spec": spec, "model": model_of(spec)._meta.verbose_name_plural} for spec in visible_tables(request.user)
        ]
        return render(request, "netbox_wmf_ops/exports.html", {"tables": tables})


class ExportDownloadView(ConditionalLoginRequiredMixin, View):
    def get(self, request, name: str):
        return csv_response(allowed_table(request.user, name), request.user)


class ExportTableSerializer(serializers.Serializer):
    name = serializers.CharField()
    model = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    url = serializers.URLField()


_DETAIL = inline_serializer("WmfOpsExportDetail", {"detail": serializers.CharField()})


class ExportListAPIView(APIView):
    """The tables this user may export, with their download URLs."""

    permission_classes = [IsAuthenticatedOrLoginNotRequired]
    serializer_class = ExportTableSerializer

    @extend_schema(
        operation_id="plugins_wmf_ops_export_list",
        responses={200: ExportTableSerializer(many=True), 403: _DETAIL},
    )
    def get(self, request):
        return Response(
            [
                {
                    "name": spec.name,
                    "model": spec.model,
                    "kind": spec.kind,
                    "description": spec.description,
                    "url": reverse("plugins-api:netbox_wmf_ops-api:export_table", args=[spec.name], request=request),
                }
                for spec in visible_tables(request.user)
            ]
        )


class ExportTableAPIView(APIView):
    """One table as CSV (``text/csv``), only the rows this user may view."""

    permission_classes = [IsAuthenticatedOrLoginNotRequired]

    @extend_schema(
        operation_id="plugins_wmf_ops_export_table",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, description="e.g. dcim.devices")],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The rows the caller may view."),
            403: _DETAIL,
            404: _DETAIL,
        },
    )
    def get(self, request, name: str):
        return csv_response(allowed_table(request.user, name), request.user)
