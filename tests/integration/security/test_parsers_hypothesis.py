"""Hostile input to the parsers of outside data (issue #11), property-based: whatever Hypothesis generates, the CSV
provisioning parser, the PuppetDB facts parser and the Ganeti RAPI parsers either succeed or raise their own clear
error type, never an unexpected exception. No database: only the parsers (they import NetBox's exception types)."""

from __future__ import annotations

import json

import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netbox_wmf_ops.ganeti.plan import GanetiDataError, parse_ganeti
from netbox_wmf_ops.ganeti.rapi import RapiClient, RapiEndpoint, RapiError
from netbox_wmf_ops.lifecycle.planning.provision import CSV_HEADERS, MGMT_MAC_COLUMN, parse_csv
from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.puppetdb.facts import FactsError, parse_host_facts

SETTINGS = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=25,
)


def near(keys: list[str], values=json_values, **fixed):
    """Objects with the real field names, each present or not and holding any JSON value (``fixed``: keys always
    present, with their own strategies), or plain noise: deeper than noise alone."""
    shaped = st.fixed_dictionaries(fixed, optional={key: values for key in keys if key not in fixed})
    return shaped | shaped | st.dictionaries(st.text(max_size=8), values, max_size=3)


# --------------------------------------------------------------------------------------------------------------- CSV

cells = st.text(max_size=12) | st.sampled_from(["10", "48", "49", "-1", "1e3", "", "1G", "10G", "public", "aa:bb"])
csv_rows = st.lists(st.lists(cells, min_size=0, max_size=len(CSV_HEADERS) + 2), max_size=6)


@SETTINGS
@given(
    header=st.permutations([*CSV_HEADERS, MGMT_MAC_COLUMN]) | st.lists(st.text(max_size=8), max_size=9),
    rows=csv_rows,
    noise=st.text(max_size=40),
)
def test_csv_parser_returns_rows_and_problems_or_aborts(header, rows, noise):
    text = "\n".join(",".join(row) for row in [list(header), *rows]) + noise
    try:
        parsed, problems = parse_csv(text)
    except Refused:
        return
    assert all(row.device for row in parsed)
    assert all(isinstance(device, str) and isinstance(problem, str) for device, problem in problems)


# ------------------------------------------------------------------------------------------------------------- facts

numbers = st.integers() | st.floats() | st.text(max_size=6) | st.booleans() | st.none()
interface = near(
    ["kind", "mtu", "mac", "bindings", "bindings6", "parent_link", "parent_bond", "dot1q", "master"],
    numbers | json_values,
)
facts_strategy = json_values | st.fixed_dictionaries(
    {
        "networking": json_values
        | st.fixed_dictionaries(
            {"interfaces": json_values | st.dictionaries(st.text(max_size=8), interface | json_values, max_size=4)},
            optional={"primary": json_values, "fqdn": json_values, "ip": json_values},
        )
    },
    optional={
        "net_driver": json_values
        | st.dictionaries(st.text(max_size=8), near(["speed", "driver"], numbers), max_size=3),
        "lldp": json_values
        | st.dictionaries(st.text(max_size=8), near(["neighbor", "port", "mtu"], numbers), max_size=3),
    },
)


@SETTINGS
@given(facts=facts_strategy)
@example(facts={"networking": {"interfaces": {"eno1": {"mtu": float("inf")}}}})  # found by hand: OverflowError
@example(facts={"networking": {"interfaces": {"eno1": {}}}, "net_driver": {"eno1": {"speed": float("-inf")}}})
def test_facts_parser_accepts_or_raises_facts_error(facts):
    try:
        parsed = parse_host_facts("db1001", facts)
    except FactsError as exc:
        assert str(exc).startswith("db1001: ")
        return
    assert parsed.host == "db1001"


# -------------------------------------------------------------------------------------------------------- Ganeti RAPI

node_names = st.sampled_from(["n1", "n2.example.org", "n3"])
group = near(["uuid"], name=st.sampled_from(["g1", "g2"]), node_list=st.lists(node_names, max_size=3)) | near(
    ["name", "node_list", "uuid"]
)
node = near(["group.uuid"], name=node_names) | near(["name", "group.uuid"])
beparams = near(["vcpus", "memory"], numbers)
instance = near(
    ["beparams", "disk.sizes", "pnode", "admin_state"],
    beparams | numbers | st.lists(numbers, max_size=3) | node_names | st.sampled_from(["up", "down", True]),
    name=st.sampled_from(["vm1", "vm1.example.org", "vm2"]),
) | near(["name", "beparams", "disk.sizes", "pnode", "admin_state"])


@SETTINGS
@given(groups=st.lists(group, max_size=3), nodes=st.lists(node, max_size=3), instances=st.lists(instance, max_size=4))
@example(  # found by Hypothesis: an unhashable group.uuid raised TypeError
    groups=[{"name": "g1", "node_list": ["n1"]}], nodes=[{"name": "n1", "group.uuid": []}], instances=[]
)
@example(
    groups=[{"name": "g1", "node_list": ["n1"]}],
    nodes=[{"name": "n1"}],
    instances=[{"name": "vm1", "beparams": {"vcpus": float("inf"), "memory": 1}, "disk.sizes": [], "pnode": "n1"}],
)
def test_rapi_listings_parse_or_raise_ganeti_data_error(groups, nodes, instances):
    try:
        state = parse_ganeti(groups, nodes, instances)
    except GanetiDataError:
        return
    assert set(state.instances).isdisjoint(state.protected)


class CannedAnswer(requests.adapters.BaseAdapter):
    """The HTTP answer of a RAPI server, as given (a transport adapter: no server, no network)."""

    def __init__(self, status: int, body: bytes):
        super().__init__()
        self.status, self.body = status, body

    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = (
            self.status,
            self.body,
            request.url,
            request,
        )
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


bodies = (
    st.binary(max_size=60)
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.sampled_from([b"[1, 2]", b"[{}]", b"NaN", b'[{"name": Infinity}]', b"\xff\xfe", b""])
)


@SETTINGS
@given(status=st.sampled_from([200, 200, 200, 401, 403, 404, 500, 302]), body=bodies)
def test_rapi_client_answers_a_list_of_objects_or_rapi_error(status, body):
    session = requests.Session()
    session.mount("https://", CannedAnswer(status, body))
    client = RapiClient(RapiEndpoint("ganeti01.example.org"), session=session)
    try:
        listing = client.instances()
    except RapiError as exc:
        assert "ganeti01.example.org" in str(exc)
        return
    assert isinstance(listing, list) and all(isinstance(item, dict) for item in listing)
