import pytest


def _mount(module_name: str, extra: list) -> None:
    """Add our URL patterns to the plugin's URL module unless it already includes them (it will, once the lead wires
    them in; until then the tests mount them on the same list object NetBox includes, before the first request)."""
    import importlib

    module = importlib.import_module(module_name)
    names = {getattr(p, "name", None) for p in module.urlpatterns}
    module.urlpatterns.extend(p for p in extra if p.name not in names)


@pytest.fixture(autouse=True, scope="session")
def ops_urls():
    from netbox_wmf_ops.exports import api_urls as export_api_urls
    from netbox_wmf_ops.exports import urls as export_urls
    from netbox_wmf_ops.proxy import api_urls as proxy_api_urls

    _mount("netbox_wmf_ops.urls", export_urls.urlpatterns)
    _mount("netbox_wmf_ops.api.urls", export_api_urls.urlpatterns + proxy_api_urls.urlpatterns)
