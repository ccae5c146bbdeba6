"""REST API URLs, mounted by NetBox at /api/plugins/wmf-ops/."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("reports/<str:report>/status/", views.ReportStatusView.as_view(), name="report_status"),
    path("metrics/", views.ReportMetricsView.as_view(), name="report_metrics"),
    path("", include("netbox_wmf_ops.exports.api_urls")),
    path("", include("netbox_wmf_ops.proxy.api_urls")),
    path("", include("netbox_wmf_ops.quality.api.urls")),
    path("jobs/status/", views.RecurringStatusView.as_view(), name="recurring_status"),
]
