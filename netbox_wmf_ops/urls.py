"""UI URLs, mounted by NetBox at /plugins/wmf-ops/."""

from django.urls import include, path

urlpatterns = [
    path("", include("netbox_wmf_ops.exports.urls")),
    path("dns/", include("netbox_wmf_ops.dns.urls")),
    path("", include("netbox_wmf_ops.quality.urls")),
]
