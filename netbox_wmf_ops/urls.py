"""UI URLs, mounted by NetBox at /plugins/wmf-ops/."""

urlpatterns: list = []
