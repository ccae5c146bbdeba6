"""The RAPI client against the fake RAPI server (real HTTP and TLS on 127.0.0.1): answers and every failure mode."""

from collections import Counter

import pytest

from dev.fakes.ganeti_rapi import INSTANCE_STATES, FakeRapiServer, generate_cluster
from dev.fakes.tls import self_signed_certificate
from netbox_wmf_ops.ganeti.config import RapiEndpoint, normalise_url, parse_timeout
from netbox_wmf_ops.ganeti.rapi import RapiClient, RapiError

PASSWORD = "s3cr3t-pw"


@pytest.fixture(scope="module")
def cluster():
    return generate_cluster(seed=7, instances=300)


@pytest.fixture
def server(cluster):
    with FakeRapiServer(cluster, users={"rapi-ro": PASSWORD}) as srv:
        yield srv


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def client(url, user="rapi-ro", password=PASSWORD, **kwargs) -> RapiClient:
    return RapiClient(RapiEndpoint(url, user, password, **kwargs))


def error_of(fn) -> str:
    with pytest.raises(RapiError) as info:
        fn()
    message = str(info.value)
    assert PASSWORD not in message
    return message


def test_bulk_listings_follow_the_documented_wire_format(server, cluster):
    rapi = client(server.url)
    groups, nodes, instances = rapi.groups(), rapi.nodes(), rapi.instances()
    assert [g["name"] for g in groups] == ["A", "B", "C", "D"]
    assert sum(g["node_cnt"] for g in groups) == len(nodes) == 20
    assert {n for g in groups for n in g["node_list"]} == {n["name"] for n in nodes}
    group_uuids = {g["uuid"] for g in groups}
    assert all(n["group.uuid"] in group_uuids for n in nodes)
    assert len(instances) == 300
    first = instances[0]
    assert {"name", "admin_state", "oper_state", "status", "pnode", "snodes", "disk.sizes", "nic.macs"} <= set(first)
    assert set(first["beparams"]) >= {"vcpus", "memory", "maxmem", "minmem"}
    assert all(i["pnode"] in {n["name"] for n in nodes} for i in instances)
    assert server.requests[0] == ("/2/groups?bulk=1", "rapi-ro")


def test_generated_cluster_has_every_instance_state(cluster):
    statuses = Counter(i["status"] for i in cluster.instances_bulk())
    assert set(statuses) == {status for status, _, _ in INSTANCE_STATES.values()}
    assert statuses["running"] > 150
    admin = {i["status"]: i["admin_state"] for i in cluster.instances_bulk()}
    assert admin["running"] == "up" and admin["ADMIN_down"] == "down" and admin["ADMIN_offline"] == "offline"
    stopped = [i for i in cluster.instances_bulk() if not i["oper_state"]]
    assert all(i["oper_ram"] is None and i["oper_vcpus"] is None for i in stopped)


def test_generator_is_reproducible_and_seed_dependent():
    assert (
        generate_cluster(seed=3, instances=50).instances_bulk()
        == generate_cluster(seed=3, instances=50).instances_bulk()
    )
    names = {i.name for i in generate_cluster(seed=3, instances=50).instances}
    assert names != {i.name for i in generate_cluster(seed=4, instances=50).instances}
    assert len(names) == 50


def test_wrong_password_is_a_401_error(server):
    message = error_of(lambda: client(server.url, password="nope").groups())
    assert "authentication failed (HTTP 401)" in message
    assert "groups?bulk=1" in message and server.url in message


def test_anonymous_request_is_refused_when_auth_is_required(server):
    assert "HTTP 401" in error_of(lambda: client(server.url, user=None, password=None).nodes())


def test_forbidden_user_is_a_403_error(server):
    server.forbidden_users.add("rapi-ro")
    assert "permission denied (HTTP 403) for user 'rapi-ro'" in error_of(lambda: client(server.url).nodes())


def test_server_error_quotes_ganetis_message(server):
    server.set_fault("status", status=500, endpoints={"instances"})
    assert client(server.url).groups()  # other endpoints still answer
    message = error_of(lambda: client(server.url).instances())
    assert "failed with HTTP 500: Internal Server Error" in message


def test_garbage_and_wrong_shapes_are_malformed(server):
    server.set_fault("garbage")
    assert "malformed JSON" in error_of(lambda: client(server.url).instances())
    server.set_fault("not-a-list")
    assert "expected a JSON list of objects" in error_of(lambda: client(server.url).instances())


def test_slow_answer_times_out(server):
    server.set_fault("slow", delay=1.0)
    message = error_of(lambda: client(server.url, timeout=(2, 0.3)).groups())
    assert "no answer within 0.3 s" in message


def test_unreachable_endpoint():
    message = error_of(lambda: client("http://127.0.0.1:9").groups())
    assert "cannot connect" in message and "http://127.0.0.1:9" in message


def test_tls_with_the_right_ca_bundle(cluster, tls_files):
    cert, key = tls_files
    with FakeRapiServer(cluster, users={"rapi-ro": PASSWORD}, certfile=cert, keyfile=key) as srv:
        assert srv.url.startswith("https://")
        assert len(client(srv.url, ca_cert=cert).instances()) == 300


def test_tls_rejects_an_unknown_certificate_and_a_wrong_hostname(cluster, tls_files):
    cert, key = tls_files
    with FakeRapiServer(cluster, users={"rapi-ro": PASSWORD}, certfile=cert, keyfile=key) as srv:
        assert "TLS verification failed" in error_of(lambda: client(srv.url).groups())  # system bundle only
        other_name = srv.url.replace("127.0.0.1", "localhost")
        assert "TLS verification failed" in error_of(lambda: client(other_name, ca_cert=cert).groups())


def test_missing_ca_bundle_is_reported(server, tmp_path):
    missing = str(tmp_path / "nope.pem")
    assert f"CA bundle {missing} does not exist" in error_of(lambda: client(server.url, ca_cert=missing).groups())


def test_credentials_never_show_in_repr_or_url():
    endpoint = RapiEndpoint("https://user:pw@ganeti01.svc.eqiad.wmnet", "rapi-ro", PASSWORD)
    assert PASSWORD not in repr(endpoint)
    assert endpoint.display_url == "https://ganeti01.svc.eqiad.wmnet:5080"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ganeti01.svc.eqiad.wmnet", "https://ganeti01.svc.eqiad.wmnet:5080"),
        ("https://ganeti01.svc.eqiad.wmnet/", "https://ganeti01.svc.eqiad.wmnet:5080"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_normalise_url(given, expected):
    assert normalise_url(given) == expected


def test_normalise_url_rejects_other_schemes():
    with pytest.raises(ValueError):
        normalise_url("ftp://ganeti01")


def test_parse_timeout():
    assert parse_timeout(10) == (10.0, 10.0)
    assert parse_timeout([3, 15]) == (3.0, 15.0)
    with pytest.raises(ValueError):
        parse_timeout("soon")
