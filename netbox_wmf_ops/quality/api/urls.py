"""Data-quality API URLs; included by netbox_wmf_ops/api/urls.py under /api/plugins/wmf-ops/."""

from django.urls import path
from netbox.api.routers import NetBoxRouter

from . import views

router = NetBoxRouter()
router.register("findings", views.FindingViewSet)
router.register("runs", views.CheckRunViewSet)

urlpatterns = [
    path("checks/<str:report>/run/", views.RunCheckAPIView.as_view(), name="check_run"),
    *router.urls,
]
