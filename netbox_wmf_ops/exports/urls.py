"""UI URLs of the CSV exports; included by netbox_wmf_ops/urls.py under /plugins/wmf-ops/."""

from django.urls import path

from . import views

urlpatterns = [
    path("exports/", views.ExportListView.as_view(), name="export_list"),
    path("exports/<str:name>.csv", views.ExportDownloadView.as_view(), name="export_download"),
]
