"""The end-to-end tests and `make demo` run NetBox as production does: gunicorn, and the collected static files on
/static/ (dev/demo_wsgi.py stands in for the web server's alias; docs/deployment.md)."""

import http.client
import re
from urllib.parse import urlsplit

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_every_static_file_of_the_login_page_is_served(netbox_server):
    page = requests.get(f"{netbox_server.url}/login/", timeout=60)
    assert page.status_code == 200 and "gunicorn" in page.headers.get("Server", "")
    assets = set(re.findall(r'(?:href|src)="(/static/[^"?]+)', page.text))
    assert any(asset.endswith(".css") for asset in assets) and any(asset.endswith(".js") for asset in assets)
    for asset in sorted(assets):
        answer = requests.get(f"{netbox_server.url}{asset}", timeout=30)
        assert answer.status_code == 200, asset
    css = requests.get(f"{netbox_server.url}/static/netbox.css", timeout=30)
    assert css.headers["Content-Type"] == "text/css" and len(css.content) == int(css.headers["Content-Length"])


def test_the_static_route_serves_nothing_outside_the_collected_files(netbox_server):
    address = urlsplit(netbox_server.url)
    for path in ("/static/../conf/configuration.py", "/static/%2e%2e/conf/configuration.py", "/static/nope.css"):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", path)  # sent as written: no client-side clean-up of the dot segments
        answer = connection.getresponse()
        assert answer.status == 404 and b"SECRET_KEY" not in answer.read(), path
        connection.close()
