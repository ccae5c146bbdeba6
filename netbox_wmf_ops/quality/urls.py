"""Data quality UI URLs (under /plugins/wmf-ops/)."""

from django.urls import include, path
from utilities.urls import get_model_urls

from . import views

urlpatterns = [
    path("checks/", views.ChecksView.as_view(), name="checks"),
    path("checks/<str:report>/run/", views.RunCheckView.as_view(), name="check_run"),
    path("checks/<str:report>/subscribe/", views.SubscribeView.as_view(), name="check_subscribe"),
    path("findings/", include(get_model_urls("netbox_wmf_ops", "finding", detail=False))),
    path("findings/<int:pk>/", include(get_model_urls("netbox_wmf_ops", "finding"))),
    path("runs/", include(get_model_urls("netbox_wmf_ops", "checkrun", detail=False))),
    path("runs/<int:pk>/", include(get_model_urls("netbox_wmf_ops", "checkrun"))),
]
