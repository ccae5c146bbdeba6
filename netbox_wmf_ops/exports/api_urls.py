"""API URLs of the CSV exports; included by netbox_wmf_ops/api/urls.py under /api/plugins/wmf-ops/."""

from django.urls import path

from . import views

urlpatterns = [
    path("exports/", views.ExportListAPIView.as_view(), name="export_list"),
    path("exports/<str:name>/", views.ExportTableAPIView.as_view(), name="export_table"),
]
