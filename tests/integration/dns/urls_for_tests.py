"""NetBox's URLs plus the DNS export where the lead mounts it (until the plugin's urls.py includes it)."""

from django.urls import include, path
from netbox.urls import urlpatterns as netbox_urlpatterns

urlpatterns = [path("plugins/wmf-ops/dns/", include("netbox_wmf_ops.dns.urls")), *netbox_urlpatterns]
