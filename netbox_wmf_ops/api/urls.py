"""REST API URLs, mounted by NetBox at /api/plugins/wmf-ops/."""

urlpatterns: list = []
