"""The PuppetDB client against served wire formats: the /v1/facts fixture and canned v4 answers (the real PuppetDB
is exercised by tests/integration/puppetdb/)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dev.puppetdb_harness import MicroserviceFixture, load_fixture
from netbox_wmf_ops.puppetdb.client import (
    HostNotFoundError,
    MicroserviceClient,
    PuppetDBConfig,
    PuppetDBError,
    V4Client,
    config_from_settings,
    make_client,
    safe_url,
)


@pytest.fixture
def microservice():
    nodes = dict(load_fixture(name) for name in ("single_nic", "vm", "bonded"))
    with MicroserviceFixture(nodes) as fixture:
        yield fixture


def test_microservice_host_facts(microservice):
    client = make_client(PuppetDBConfig(url=microservice.url + "/", api="microservice"))
    assert isinstance(client, MicroserviceClient)
    facts = client.host_facts("db1201", ["networking", "net_driver", "lldp"])
    assert facts["networking"]["primary"] == "eno1np0"
    assert facts["lldp"]["eno1np0"]["port"] == "xe-4/0/12"
    assert all("//" not in path for path in microservice.requests)  # the trailing slash is not doubled


def test_microservice_facts_by_host_and_not_specified(microservice):
    client = make_client(PuppetDBConfig(url=microservice.url, api="microservice"))
    facts = client.facts_by_host(["is_virtual", "serialnumber"])
    assert facts["is_virtual"] == {"db1201": False, "etcd1007": True, "cephosd1040": False}
    assert facts["serialnumber"]["etcd1007"] is None  # "Not Specified"


def test_microservice_unknown_host_and_missing_fact(microservice):
    client = make_client(PuppetDBConfig(url=microservice.url, api="microservice"))
    with pytest.raises(HostNotFoundError, match=r"^db9999 is not in PuppetDB"):
        client.host_facts("db9999", ["networking"])
    microservice.nodes["db1201.eqiad.wmnet"].pop("lldp")
    assert "lldp" not in client.host_facts("db1201", ["networking", "lldp"])


def test_microservice_refuses_facts_it_does_not_serve(microservice):
    client = make_client(PuppetDBConfig(url=microservice.url, api="microservice"))
    with pytest.raises(PuppetDBError, match="does not serve the facts kernel"):
        client.facts_by_host(["kernel"])


class Canned(BaseHTTPRequestHandler):
    """Answers from the server's `routes`: path prefix → (status, body text, delay)."""

    def do_GET(self):
        self.server.seen.append(self.path)
        for prefix, (status, body, delay) in self.server.routes.items():
            if self.path.startswith(prefix):
                time.sleep(delay)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def canned():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    server.routes, server.seen = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def v4(server, **config) -> V4Client:
    return make_client(PuppetDBConfig(url=f"http://127.0.0.1:{server.server_address[1]}", **config))


def test_v4_host_facts_wire_format(canned):
    canned.routes["/pdb/query/v4/nodes?"] = (200, json.dumps([{"certname": "db1201.eqiad.wmnet"}]), 0)
    rows = [
        {"certname": "db1201.eqiad.wmnet", "name": "networking", "value": {"primary": "eno1"}, "environment": "p"},
        {"certname": "db1201.eqiad.wmnet", "name": "serialnumber", "value": "Not Specified", "environment": "p"},
    ]
    canned.routes["/pdb/query/v4/nodes/db1201.eqiad.wmnet/facts"] = (200, json.dumps(rows), 0)
    facts = v4(canned).host_facts("db1201", ["networking", "serialnumber"])
    assert facts == {"networking": {"primary": "eno1"}, "serialnumber": None}
    from urllib.parse import parse_qs, urlsplit

    node_query = json.loads(parse_qs(urlsplit(canned.seen[0]).query)["query"][0])
    assert node_query == ["~", "certname", "^db1201(\\.|$)"]


def test_v4_ambiguous_and_unknown_hosts(canned):
    canned.routes["/pdb/query/v4/nodes?"] = (200, json.dumps([{"certname": "a.x"}, {"certname": "a.y"}]), 0)
    with pytest.raises(HostNotFoundError, match=r"a matches several PuppetDB nodes: a.x, a.y"):
        v4(canned).host_facts("a", ["networking"])
    canned.routes["/pdb/query/v4/nodes?"] = (200, "[]", 0)
    with pytest.raises(HostNotFoundError, match=r"^a is not in PuppetDB$"):
        v4(canned).host_facts("a", ["networking"])


def test_http_error_is_one_line_with_status(canned):
    canned.routes["/pdb/query/v4/facts"] = (500, "Internal\nServer   Error " + "x" * 500, 0)
    with pytest.raises(PuppetDBError) as error:
        v4(canned).facts_by_host(["is_virtual"])
    message = str(error.value)
    assert message.startswith(f"Cannot connect to PuppetDB http://127.0.0.1:{canned.server_address[1]} - 500 ")
    assert "\n" not in message and len(message) < 320


def test_malformed_json(canned):
    canned.routes["/pdb/query/v4/facts"] = (200, "<html>proxy error</html>", 0)
    with pytest.raises(PuppetDBError, match="returned malformed JSON"):
        v4(canned).facts_by_host(["is_virtual"])
    canned.routes["/pdb/query/v4/facts"] = (200, '{"not": "a list"}', 0)
    with pytest.raises(PuppetDBError, match="expected a list of objects"):
        v4(canned).facts_by_host(["is_virtual"])


def test_read_timeout(canned):
    canned.routes["/pdb/query/v4/facts"] = (200, "[]", 1.5)
    with pytest.raises(PuppetDBError, match=r"no answer within 0.5 s"):
        v4(canned, timeout=0.5).facts_by_host(["is_virtual"])


def test_connection_refused_and_credentials_never_shown():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(PuppetDBConfig(url=f"http://reader:s3cret@127.0.0.1:{port}/"))
    with pytest.raises(PuppetDBError) as error:
        client.facts_by_host(["is_virtual"])
    assert str(error.value) == f"Cannot connect to PuppetDB http://127.0.0.1:{port}: connection refused"
    assert "s3cret" not in str(error.value)


def test_tls_verification_is_on_by_default_and_uses_the_ca_bundle():
    assert make_client(PuppetDBConfig(url="https://pdb:8443")).session.verify is True
    client = make_client(
        PuppetDBConfig(url="https://pdb", ca_cert="/etc/ssl/ca.pem", client_cert="/c.pem", client_key="/k.pem")
    )
    assert client.session.verify == "/etc/ssl/ca.pem"
    assert client.session.cert == ("/c.pem", "/k.pem")


def test_tls_failure_is_a_clear_error(canned):
    # A plain-HTTP server spoken to over TLS.
    client = make_client(PuppetDBConfig(url=f"https://127.0.0.1:{canned.server_address[1]}", connect_timeout=2))
    with pytest.raises(PuppetDBError, match=r"^Cannot connect to PuppetDB https://127.0.0.1:\d+: TLS error"):
        client.facts_by_host(["is_virtual"])


def test_config_validation_and_settings():
    with pytest.raises(ValueError, match="unknown PuppetDB API 'v3'"):
        PuppetDBConfig(url="http://x", api="v3")
    values = {
        "puppetdb_url": "https://puppetdb.example:8443",
        "puppetdb_api": "v4",
        "puppetdb_ca_cert": "",
        "puppetdb_client_cert": "",
        "puppetdb_client_key": "",
        "puppetdb_timeout": 30,
        "puppetdb_connect_timeout": 3,
    }
    config = config_from_settings(values.get)
    assert (config.url, config.ca_cert, config.timeout, config.connect_timeout) == (values["puppetdb_url"], None, 30, 3)
    with pytest.raises(PuppetDBError, match="PuppetDB is not configured"):
        config_from_settings({**values, "puppetdb_url": ""}.get)


def test_safe_url():
    assert safe_url("https://u:p@pdb.example:8443/base/") == "https://pdb.example:8443/base"
    assert safe_url("https://pdb.example/") == "https://pdb.example"
