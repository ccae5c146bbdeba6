"""Read-only git export of the DNS snippets; the lead includes these under ``/plugins/wmf-ops/dns/``."""

from django.urls import path, re_path

from .views import DnsRepositoryView

urlpatterns = [
    path("repo.git/", DnsRepositoryView.as_view(), name="dns_repository_root"),
    # GET: info/refs (smart or dumb), HEAD, objects/...; POST: git-upload-pack (git-receive-pack is refused).
    re_path(r"^repo\.git/(?P<path>.+)$", DnsRepositoryView.as_view(), name="dns_repository"),
]
