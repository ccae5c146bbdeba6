"""A Ganeti RAPI v2 test server: the real service cannot run here, so tests and the demo talk to this one.

Built from the documented wire format (Ganeti ``doc/rapi.rst`` and the field lists ``G_FIELDS``, ``N_FIELDS`` and
``I_FIELDS`` of ``lib/rapi/rlib2.py``):

* ``GET /2/groups?bulk=1``: ``name``, ``uuid``, ``alloc_policy``, ``node_cnt``, ``node_list`` (node FQDNs), params;
* ``GET /2/nodes?bulk=1``: ``name``, ``role`` (``master``, ``master-candidate``, ``regular``, ``drained``, ``offline``),
  ``offline``, ``drained``, ``master_candidate``, ``group.uuid``, ``pinst_list``/``sinst_list``, memory/disk/cpu
  figures (``null`` for live data of an offline node);
* ``GET /2/instances?bulk=1``: ``name``, ``admin_state`` (``up``/``down``/``offline``), ``oper_state`` (bool),
  ``status`` (``running``, ``ADMIN_down``, ``ADMIN_offline``, ``ERROR_up``, ``ERROR_down``, ``ERROR_nodedown``,
  ``ERROR_nodeoffline``, ``ERROR_wrongnode``, ``USER_down``), ``beparams`` (``vcpus``, ``memory``/``maxmem``/``minmem``
  in MiB), ``disk.sizes`` (MiB), ``nic.macs``, ``pnode``, ``snodes``, ``oper_ram``/``oper_vcpus`` (``null`` when not
  running), …;
* without ``bulk`` a list of ``{"name"|"id", "uri"}``; ``/2/info``, ``/version``;
* HTTP Basic authentication (realm ``Ganeti Remote API``); errors as ``{"code", "message", "explain"}``.

The cluster comes from a seeded generator (several node groups, hundreds of instances, every instance state) and can be
changed between requests (``server.cluster``). The server can be told to misbehave: 401/403/500, garbage, slow answers,
empty or truncated lists. Standard library only (no Django), so it also runs standalone::

    python -m dev.fakes.ganeti_rapi --port 5080 --seed 1 --instances 300 [--tls-dir DIR]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import random
import ssl
import threading
import time
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from dev.fakes.tls import self_signed_certificate

REALM = "Ganeti Remote API"

# Instance states: (status, admin_state, oper_state). ERROR_nodedown/nodeoffline depend on the primary node.
RUNNING = ("running", "up", True)
INSTANCE_STATES = {
    "running": RUNNING,
    "ADMIN_down": ("ADMIN_down", "down", False),
    "ADMIN_offline": ("ADMIN_offline", "offline", False),
    "ERROR_up": ("ERROR_up", "down", True),
    "ERROR_down": ("ERROR_down", "up", False),
    "ERROR_wrongnode": ("ERROR_wrongnode", "up", True),
    "USER_down": ("USER_down", "up", False),
    "ERROR_nodedown": ("ERROR_nodedown", "up", False),
    "ERROR_nodeoffline": ("ERROR_nodeoffline", "up", False),
}
# How often each state shows up in a generated cluster (the node states are produced by the node they sit on).
_STATE_WEIGHTS = {
    "running": 80,
    "ADMIN_down": 6,
    "ADMIN_offline": 3,
    "ERROR_up": 2,
    "ERROR_down": 3,
    "ERROR_wrongnode": 1,
    "USER_down": 2,
}

DC_DIGIT = {"eqiad": 1, "codfw": 2, "esams": 3, "ulsfo": 4, "eqsin": 5, "drmrs": 6, "magru": 7}
_SERVICES = (
    "kafka-logging",
    "ml-etcd",
    "doh",
    "ldap-replica",
    "mx-in",
    "urldownloader",
    "etherpad",
    "grafana",
    "idp",
    "install",
    "aux-k8s-etcd",
    "dborch",
    "people",
    "releases",
    "netbox-dev",
    "testvm",
    "zookeeper-test",
    "kubestagemaster",
    "ncredir",
    "durum",
    "puppetdb",
    "acmechief",
    "apt-staging",
    "wikikube-ctrl",
    "chartmuseum",
    "registry",
    "sretest",
    "vrts",
    "gitlab-runner",
    "logstash",
)
_SIZES = [  # (vcpus, memory MiB, disks MiB)
    (1, 1024, [10240]),
    (1, 2048, [20480]),
    (2, 2048, [20480]),
    (2, 4096, [30720]),
    (4, 4096, [40960]),
    (4, 8192, [51200, 102400]),
    (8, 16384, [102400]),
    (8, 32768, [153600, 307200]),
    (16, 65536, [307200]),
]


@dataclass
class FakeNode:
    name: str  # FQDN
    group: str  # node group name
    role: str = "regular"  # master, master-candidate, regular, drained, offline
    uuid: str = ""
    ctotal: int = 48
    mtotal: int = 257_000  # MiB
    dtotal: int = 3_500_000  # MiB
    pip: str = ""


@dataclass
class FakeInstance:
    name: str  # FQDN
    pnode: str  # FQDN of the primary node
    vcpus: int
    memory: int  # MiB
    disks: list[int]  # MiB
    state: str = "running"  # a key of INSTANCE_STATES
    snodes: list[str] = field(default_factory=list)
    macs: list[str] = field(default_factory=list)
    os: str = "debootstrap+default"
    uuid: str = ""
    tags: list[str] = field(default_factory=list)
    network_port: int = 11000


@dataclass
class FakeCluster:
    name: str  # the cluster FQDN, e.g. ganeti01.svc.eqiad.wmnet
    groups: list[str]
    nodes: list[FakeNode]
    instances: list[FakeInstance]
    group_uuids: dict[str, str] = field(default_factory=dict)

    # -- helpers for tests: change the cluster between two syncs --------------------------------------------------
    def instance(self, short_or_fqdn: str) -> FakeInstance:
        for inst in self.instances:
            if inst.name == short_or_fqdn or inst.name.split(".", 1)[0] == short_or_fqdn:
                return inst
        raise KeyError(short_or_fqdn)

    def remove_instance(self, short_or_fqdn: str) -> FakeInstance:
        inst = self.instance(short_or_fqdn)
        self.instances.remove(inst)
        return inst

    def nodes_in(self, group: str) -> list[FakeNode]:
        return [n for n in self.nodes if n.group == group]

    def add_instance(self, name: str, group: str | None = None, **fields: Any) -> FakeInstance:
        """Add an instance on the first node of ``group`` (the first group by default). ``name`` may be short."""
        domain = self.nodes[0].name.split(".", 1)[1]
        fqdn = name if "." in name else f"{name}.{domain}"
        pnode = self.nodes_in(group or self.groups[0])[0].name
        values = {"vcpus": 2, "memory": 2048, "disks": [20480]} | fields
        inst = FakeInstance(name=fqdn, pnode=pnode, uuid=_uuid(fqdn), **values)
        self.instances.append(inst)
        return inst

    def move_instance(self, short_or_fqdn: str, group: str) -> FakeInstance:
        """Move an instance to the first node of another node group (what a cross-group relocation does)."""
        inst = self.instance(short_or_fqdn)
        inst.pnode = self.nodes_in(group)[0].name
        inst.snodes = []
        return inst

    # -- the wire format ---------------------------------------------------------------------------------------------
    def groups_bulk(self) -> list[dict]:
        return [_group_record(g, self.group_uuids[g], [n.name for n in self.nodes_in(g)]) for g in self.groups]

    def nodes_bulk(self) -> list[dict]:
        return [_node_record(n, self.group_uuids[n.group], self.instances) for n in self.nodes]

    def instances_bulk(self) -> list[dict]:
        offline = {n.name for n in self.nodes if n.role == "offline"}
        return [_instance_record(i, pnode_offline=i.pnode in offline) for i in self.instances]


def _uuid(name: str) -> str:
    return str(uuidlib.UUID(hashlib.md5(name.encode()).hexdigest()))  # stable per name; not security relevant


_EPOCH = 1_700_000_000.0


def _common(uuid: str, serial: int = 3) -> dict:
    return {"ctime": _EPOCH, "mtime": _EPOCH + 86400.0 * serial, "uuid": uuid, "serial_no": serial, "tags": []}


def _group_record(name: str, uuid: str, node_list: list[str]) -> dict:
    return {
        "name": name,
        "alloc_policy": "preferred",
        "node_cnt": len(node_list),
        "node_list": node_list,
        "ipolicy": {"spindle-ratio": 32.0, "vcpu-ratio": 4.0, "disk-templates": ["drbd", "plain"]},
        "custom_ipolicy": {},
        "diskparams": {},
        "custom_diskparams": {},
        "ndparams": {"exclusive_storage": False, "oob_program": "", "spindle_count": 1, "ssh_port": 22},
        "custom_ndparams": {},
        **_common(uuid),
    }


def _node_record(node: FakeNode, group_uuid: str, instances: list[FakeInstance]) -> dict:
    offline = node.role == "offline"
    pinst = [i.name for i in instances if i.pnode == node.name]
    sinst = [i.name for i in instances if node.name in i.snodes]
    used = sum(i.memory for i in instances if i.pnode == node.name)
    live = not offline
    return {
        "name": node.name,
        "offline": offline,
        "master_candidate": node.role in ("master", "master-candidate"),
        "drained": node.role == "drained",
        "role": node.role,
        "master_capable": True,
        "vm_capable": True,
        "dtotal": node.dtotal if live else None,
        "dfree": node.dtotal // 2 if live else None,
        "sptotal": 1 if live else None,
        "spfree": 0 if live else None,
        "mtotal": node.mtotal if live else None,
        "mnode": 4096 if live else None,
        "mfree": max(node.mtotal - 4096 - used, 0) if live else None,
        "ctotal": node.ctotal if live else None,
        "cnos": 1 if live else None,
        "cnodes": 2 if live else None,
        "csockets": 2 if live else None,
        "pinst_cnt": len(pinst),
        "sinst_cnt": len(sinst),
        "pinst_list": pinst,
        "sinst_list": sinst,
        "pip": node.pip,
        "sip": node.pip,
        "ndparams": {"exclusive_storage": False, "oob_program": "", "spindle_count": 1, "ssh_port": 22},
        "group.uuid": group_uuid,
        **_common(node.uuid),
    }


def _instance_record(inst: FakeInstance, pnode_offline: bool) -> dict:
    status, admin_state, oper_state = INSTANCE_STATES["ERROR_nodeoffline" if pnode_offline else inst.state]
    running = oper_state
    return {
        "name": inst.name,
        "admin_state": admin_state,
        "admin_state_source": "admin",
        "os": inst.os,
        "pnode": inst.pnode,
        "snodes": list(inst.snodes),
        "disk_template": "drbd" if inst.snodes else "plain",
        "nic.ips": [None] * len(inst.macs),
        "nic.macs": list(inst.macs),
        "nic.modes": ["bridged"] * len(inst.macs),
        "nic.uuids": [_uuid(m) for m in inst.macs],
        "nic.names": [None] * len(inst.macs),
        "nic.links": ["private"] * len(inst.macs),
        "nic.networks": [None] * len(inst.macs),
        "nic.networks.names": [None] * len(inst.macs),
        "nic.bridges": ["private"] * len(inst.macs),
        "network_port": inst.network_port,
        "disk.sizes": list(inst.disks),
        "disk.spindles": [None] * len(inst.disks),
        "disk_usage": sum(inst.disks) * (2 if inst.snodes else 1),
        "disk.uuids": [_uuid(f"{inst.name}/disk{i}") for i in range(len(inst.disks))],
        "disk.names": [None] * len(inst.disks),
        "beparams": {
            "always_failover": False,
            "auto_balance": True,
            "maxmem": inst.memory,
            "memory": inst.memory,
            "minmem": inst.memory,
            "spindle_use": 1,
            "vcpus": inst.vcpus,
        },
        "hvparams": {"boot_order": "disk", "kernel_path": "", "machine_version": "pc", "cpu_type": "host"},
        "oper_state": oper_state,
        "oper_ram": inst.memory if running else None,
        "oper_vcpus": inst.vcpus if running else None,
        "status": status,
        "custom_hvparams": {},
        "custom_beparams": {},
        "custom_nicparams": [{}] * len(inst.macs),
        **_common(inst.uuid),
    }


def generate_cluster(
    seed: int = 1,
    instances: int = 300,
    site: str = "eqiad",
    groups: int = 4,
    nodes_per_group: int = 5,
    node_prefix: str = "ganeti",
    cluster_name: str | None = None,
    instance_prefix: str = "",
) -> FakeCluster:
    """A realistic, reproducible cluster: node groups named after rows (A, B, …), nodes ``ganeti<dc>0NN.<site>.wmnet``,
    instances spread over the nodes in every state (one offline node makes ``ERROR_nodeoffline`` instances)."""
    rng = random.Random(seed)
    digit = DC_DIGIT.get(site, 9)
    domain = f"{site}.wmnet"
    group_names = [chr(ord("A") + i) for i in range(groups)]
    nodes: list[FakeNode] = []
    number = digit * 1000
    for g in group_names:
        for _ in range(nodes_per_group):
            number += 1
            name = f"{node_prefix}{number}.{domain}"
            nodes.append(
                FakeNode(name=name, group=g, uuid=_uuid(name), pip=f"10.64.{len(nodes) // 250}.{number % 250}")
            )
    nodes[0].role = "master"
    for node in nodes[1:3]:
        node.role = "master-candidate"
    if len(nodes) > 3:
        nodes[-1].role = "offline"  # its primary instances report ERROR_nodeoffline
    if len(nodes) > 4:
        nodes[-2].role = "drained"

    counters: dict[str, int] = {}
    states = list(_STATE_WEIGHTS)
    weights = list(_STATE_WEIGHTS.values())
    mac_net = rng.randrange(0x10, 0xEF)
    made: list[FakeInstance] = []
    for index in range(instances):
        service = rng.choice(_SERVICES)
        counters[service] = counters.get(service, 0) + 1
        fqdn = f"{instance_prefix}{service}{digit}{counters[service]:03d}.{domain}"
        pnode = rng.choice(nodes)
        peers = [n for n in nodes if n.group == pnode.group and n is not pnode]
        snodes = [rng.choice(peers).name] if peers and rng.random() < 0.7 else []
        vcpus, memory, disks = rng.choice(_SIZES)
        # Guarantee that every state occurs in any cluster of at least that many instances.
        state = states[index] if index < len(states) else rng.choices(states, weights)[0]
        macs = [f"aa:00:00:{mac_net:02x}:{(index >> 8) & 0xFF:02x}:{index & 0xFF:02x}"]
        made.append(
            FakeInstance(
                name=fqdn,
                pnode=pnode.name,
                snodes=snodes,
                vcpus=vcpus,
                memory=memory,
                disks=list(disks),
                state=state,
                macs=macs,
                uuid=_uuid(fqdn),
                network_port=11000 + index,
            )
        )
    # The ERROR_nodedown state comes from a node the master cannot reach: mark one instance that way, explicitly.
    if made:
        made[-1].state = "ERROR_nodedown"
    return FakeCluster(
        name=cluster_name or f"ganeti01.svc.{site}.wmnet",
        groups=group_names,
        nodes=nodes,
        instances=made,
        group_uuids={g: _uuid(f"group/{site}/{g}") for g in group_names},
    )


# ------------------------------------------------------------------------------------------------------------ server


@dataclass
class Fault:
    """How the server misbehaves. ``endpoints`` limits it to some resources (``groups``, ``nodes``, ``instances``)."""

    kind: str  # "status" (answer ``status``), "garbage", "slow", "empty", "truncated", "not-a-list"
    status: int = 500
    delay: float = 0.0
    endpoints: frozenset[str] | None = None

    def applies_to(self, resource: str) -> bool:
        return self.endpoints is None or resource in self.endpoints


def cluster_from_view(view: Mapping[str, Any]) -> FakeCluster:
    """A cluster from a view of the RAPI answers ({"cluster", "groups": [{name, node_list}], "instances": [{name,
    pnode, beparams, disk.sizes, admin_state}]}), as the demo fleet's plan describes its Ganeti clusters."""
    groups = [g["name"] for g in view["groups"]]
    nodes = [FakeNode(name=n, group=g["name"], uuid=_uuid(n)) for g in view["groups"] for n in g["node_list"]]
    instances = [
        FakeInstance(
            name=i["name"],
            pnode=i["pnode"],
            vcpus=i["beparams"]["vcpus"],
            memory=i["beparams"]["memory"],
            disks=list(i["disk.sizes"]),
            state="running" if i.get("admin_state", "up") == "up" else "ADMIN_down",
            uuid=_uuid(i["name"]),
        )
        for i in view["instances"]
    ]
    return FakeCluster(
        name=view["cluster"],
        groups=groups,
        nodes=nodes,
        instances=instances,
        group_uuids={g: _uuid(f"group/{view['cluster']}/{g}") for g in groups},
    )


class FakeRapiServer:
    """A threaded HTTP(S) server on 127.0.0.1 serving ``cluster``. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        cluster: FakeCluster | None = None,
        *,
        port: int = 0,
        users: dict[str, str] | None = None,
        require_auth: bool = True,
        forbidden_users: set[str] | frozenset[str] = frozenset(),
        certfile: str | None = None,
        keyfile: str | None = None,
    ):
        self.cluster = cluster or generate_cluster()
        self.users = {"rapi-ro": "secret"} if users is None else users
        self.require_auth = require_auth
        self.forbidden_users = set(forbidden_users)
        self.fault: Fault | None = None
        self.requests: list[tuple[str, str | None]] = []  # (path with query, user) per request, for assertions
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _make_handler(self))
        self._httpd.daemon_threads = True
        self.tls = certfile is not None
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> FakeRapiServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-ganeti-rapi", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeRapiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_fault(
        self, kind: str | None, *, status: int = 500, delay: float = 0.0, endpoints: set[str] | None = None
    ) -> None:
        """Misbehave from now on (``kind=None`` heals the server)."""
        self.fault = None if kind is None else Fault(kind, status, delay, frozenset(endpoints) if endpoints else None)

    def answer(self, path: str, query: dict[str, list[str]], user: str | None) -> tuple[int, Any]:
        """The (status, JSON body) for one GET; raw bytes are handled by the handler for the garbage fault."""
        parts = [p for p in path.split("/") if p]
        bulk = query.get("bulk", ["0"])[0] in ("1", "true", "True")
        with self._lock:  # a consistent snapshot even while a test mutates the cluster from another thread
            if parts == ["version"]:
                return 200, 2
            if parts in ([], ["2"]):
                return 200, None
            if parts == ["2", "info"]:
                return 200, {
                    "name": self.cluster.name,
                    "software_version": "3.0.2",
                    "master": self.cluster.nodes[0].name,
                }
            if len(parts) == 2 and parts[0] == "2" and parts[1] in ("groups", "nodes", "instances"):
                resource = parts[1]
                records = getattr(self.cluster, f"{resource}_bulk")()
                if bulk:
                    return 200, records
                key = "id" if resource == "nodes" else "name"
                return 200, [{key: r["name"], "uri": f"/2/{resource}/{r['name']}"} for r in records]
            if len(parts) == 3 and parts[0] == "2" and parts[1] in ("groups", "nodes", "instances"):
                for record in getattr(self.cluster, f"{parts[1]}_bulk")():
                    if record["name"] == parts[2]:
                        return 200, record
        return 404, {"code": 404, "message": "Not Found", "explain": f"Resource not found: {path}"}


def _make_handler(server: FakeRapiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ganeti-rapi-fake/3.0"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests assert on server.requests instead
            pass

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            user = self._authenticated_user()
            server.requests.append((self.path, user))
            if user is False:
                return
            resource = split.path.strip("/").split("/")[-1]
            fault = server.fault
            if fault and fault.applies_to(resource):
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.kind == "status":
                    messages = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}
                    body = {"code": fault.status, "message": messages.get(fault.status, "Error"), "explain": "fault"}
                    return self._send_json(fault.status, body)
                if fault.kind == "garbage":
                    return self._send_bytes(200, b'[{"name": "web1001.eqiad.wmnet", "beparams": {"vcp', "text/plain")
                if fault.kind == "not-a-list":
                    return self._send_json(200, {"name": "web1001.eqiad.wmnet"})
            status, body = server.answer(split.path, parse_qs(split.query), user or None)
            if fault and fault.applies_to(resource) and isinstance(body, list):
                if fault.kind == "empty":
                    body = []
                elif fault.kind == "truncated":
                    body = body[: len(body) // 2]
            self._send_json(status, body)

        def _authenticated_user(self) -> str | bool | None:
            """The user name, None when anonymous access is allowed, or False after answering 401/403."""
            header = self.headers.get("Authorization", "")
            user = password = None
            if header.startswith("Basic "):
                try:
                    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    user = None
            if user is None:
                if not server.require_auth:
                    return None
                self._unauthorized()
                return False
            if server.users.get(user) != password:
                self._unauthorized()
                return False
            if user in server.forbidden_users:
                self._send_json(403, {"code": 403, "message": "Forbidden", "explain": "Insufficient permissions"})
                return False
            return user

        def _unauthorized(self) -> None:
            body = json.dumps({"code": 401, "message": "Unauthorized", "explain": "Authentication required"}).encode()
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_json(self, status: int, body: Any) -> None:
            self._send_bytes(status, json.dumps(body).encode(), "application/json")

        def _send_bytes(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                self.wfile.write(payload)

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a generated Ganeti cluster over a fake RAPI v2.")
    parser.add_argument("--port", type=int, default=5080)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--site", default="eqiad")
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--nodes-per-group", type=int, default=5)
    parser.add_argument("--node-prefix", default="ganeti")
    parser.add_argument("--user", default="rapi-ro")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--no-auth", action="store_true", help="allow anonymous reads (Ganeti's default)")
    parser.add_argument("--tls-dir", help="serve HTTPS with a self-signed certificate written to this directory")
    args = parser.parse_args(argv)

    cluster = generate_cluster(
        seed=args.seed,
        instances=args.instances,
        site=args.site,
        groups=args.groups,
        nodes_per_group=args.nodes_per_group,
        node_prefix=args.node_prefix,
    )
    certfile = keyfile = None
    if args.tls_dir:
        certfile, keyfile = self_signed_certificate(args.tls_dir)
    server = FakeRapiServer(
        cluster,
        port=args.port,
        users={args.user: args.password},
        require_auth=not args.no_auth,
        certfile=certfile,
        keyfile=keyfile,
    )
    print(
        f"fake Ganeti RAPI for {cluster.name}: {server.url} ({len(cluster.groups)} node groups, "
        f"{len(cluster.nodes)} nodes, {len(cluster.instances)} instances)"
        + (f"; CA bundle {certfile}" if certfile else ""),
        flush=True,
    )
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
