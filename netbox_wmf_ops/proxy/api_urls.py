"""API URLs of the script proxy; included by netbox_wmf_ops/api/urls.py under /api/plugins/wmf-ops/."""

from django.urls import path

from . import views

urlpatterns = [
    path("proxy/<str:name>/", views.ScriptProxyView.as_view(), name="script_proxy"),
]
