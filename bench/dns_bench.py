"""DNS snippet generation at the bench scale: the bulk ORM way, a no-change run end to end with git, and the old way
(every list endpoint page by page over the REST API, as the original generate_dns_snippets.py did with pynetbox),
reported as a ratio (`make bench BENCH=dns_bench:rest`: minutes at scale 1.0). Both ways feed the same pure generator,
so the output is compared too."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.timing import Figures, measure

PAGE_SIZE = 50  # NetBox's default PAGINATE_COUNT, what pynetbox asked for by default


ON_REQUEST = frozenset({"rest"})  # the original's way takes minutes at scale 1.0: run it by name only
MEMORY_DIR = "/dev/shm"  # a tmpfs on Linux: the publish figure's files are created there (see _publish)


def _generation() -> Figures:
    from ipam.models import IPAddress

    from netbox_wmf_ops.dns import service

    settings = service.load_settings()
    measured = measure(lambda: service.generate_snippets(settings), repeat=3)
    snippets = service.generate_snippets(settings)
    yield (
        "DNS snippet generation (ORM, files in memory)",
        {
            **measured,
            "work": "fleet",
            "addresses": IPAddress.objects.count(),
            "forward records": snippets.record_count,
            "zone files": len(snippets.files),
            "bytes": sum(len(content) for content in snippets.files.values()),
            **{f"{phase} s": round(seconds, 4) for phase, seconds in snippets.seconds.items()},
        },
    )


def _publish() -> Figures:
    """A no-change publish's git part: clone, write every file, compare, clean up (the Icinga/cron case). The snippets
    are generated once before it (their generation is the figure above): a generation repeated in the same process
    as the timed runs measured the allocator more than git at scale 10. The repository and the clones live in memory
    (``MEMORY_DIR``) when the machine has it: creating a file on this VM's disk cost 45 to 300 µs within one hour,
    which decided the figure's growth from one scale to the next (0.25 to 0.96 s for the same scale-10 publish)."""
    from netbox_wmf_ops.dns import service
    from netbox_wmf_ops.dns.publish import commit_snippets, push_snippets, remove_workdir

    memory = MEMORY_DIR if os.access(MEMORY_DIR, os.W_OK) else None
    tmp = Path(tempfile.mkdtemp(prefix="dns-bench-", dir=memory))
    try:
        import git

        origin = tmp / "dns.git"
        git.Repo.init(origin, bare=True, initial_branch="main")
        cfg = service.load_settings(dns_repository_path=str(origin), dns_work_dir=str(tmp / "work"))
        files = service.generate_snippets(cfg).files
        first = commit_snippets(files, "bench", cfg.publish)
        push_snippets(first.path, first.sha1, repository=str(origin))
        remove_workdir(first.path)
        del first  # its diff holds a whole tree: the figure's peak is one no-change run's, not the setup's as well

        def no_change_run() -> None:
            result = commit_snippets(files, "bench", cfg.publish)
            assert result.code == 99, result.code
            remove_workdir(result.path)

        yield (
            "DNS no-change publish, git part (clone, write, compare)",
            {
                **measure(no_change_run, repeat=3),
                "work": "fleet",
                "zone files": len(files),
                "work tree": "memory" if memory else "disk",
            },
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _rest() -> Figures:
    """The old way: REST API list endpoints, page by page, through NetBox's full request stack (in process, so
    without network latency: a lower bound for the original's cost), against the ORM way's median."""
    from netbox_wmf_ops.dns import service
    from netbox_wmf_ops.dns.records import generate_records
    from netbox_wmf_ops.dns.zonefiles import render_zone_files

    settings = service.load_settings()
    snippets = service.generate_snippets(settings)
    orm = measure(lambda: service.generate_snippets(settings), repeat=3)
    client, cleanup = _api_client()
    try:
        for url in ("/api/", "/api/ipam/ip-addresses/", "/api/dcim/interfaces/"):  # untimed: URLconf, serializers
            client.get(url, {"limit": 1})
        captured: dict = {}

        def rest_way() -> None:
            hosts, addresses, prefixes, captured["pages"] = _load_over_rest(client)
            generation = generate_records(hosts, addresses, prefixes, device_statuses=settings.device_statuses)
            captured["files"] = render_zone_files(generation.forward, generation.reverse)

        rest = measure(rest_way, repeat=1, warmup=0)
    finally:
        cleanup()
    yield (
        "DNS generation over the REST API (the original's way)",
        {
            **rest,
            "work": "fleet",
            "REST API requests": captured["pages"],
            "REST / ORM time ratio": round(rest["s"] / orm["s"], 1) if orm["s"] else "n/a",
            "REST output equals ORM output": str(captured["files"] == snippets.files),
        },
    )


def groups() -> dict[str, Callable[[], Figures]]:
    return {"generation": _generation, "publish": _publish, "rest": _rest}


def _api_client():
    from django.test import Client
    from users.models import Token, User

    user = User.objects.create_user(username=f"dns-bench-{time.time_ns()}", password=None, is_superuser=True)
    token = Token(user=user, description="dns bench")
    token.save()
    client = Client(HTTP_AUTHORIZATION=f"{token.get_auth_header_prefix()}{token.token}", HTTP_ACCEPT="application/json")

    def cleanup() -> None:
        token.delete()
        user.delete()

    return client, cleanup


def _fetch_all(client, url: str, params: dict | None = None) -> tuple[list[dict], int]:
    rows, pages, offset = [], 0, 0
    while True:
        response = client.get(url, {**(params or {}), "limit": PAGE_SIZE, "offset": offset})
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        data = response.json()
        rows += data["results"]
        pages += 1
        offset += PAGE_SIZE
        if not data["next"]:
            return rows, pages


def _load_over_rest(client):
    """The original's collection (docs/behaviour-reference.md §3.2): active addresses, all interfaces and VM interfaces,
    all prefixes,
    devices in scope, all VMs; then the same plain records the ORM loader builds."""
    from netbox_wmf_ops.dns.records import DEFAULT_DEVICE_STATUSES, Address, Host, Prefix

    ips, n1 = _fetch_all(client, "/api/ipam/ip-addresses/")
    interfaces, n2 = _fetch_all(client, "/api/dcim/interfaces/")
    _, n3 = _fetch_all(client, "/api/virtualization/interfaces/")
    prefixes, n4 = _fetch_all(client, "/api/ipam/prefixes/")
    devices, n5 = _fetch_all(client, "/api/dcim/devices/", {"status": list(DEFAULT_DEVICE_STATUSES)})
    vms, n6 = _fetch_all(client, "/api/virtualization/virtual-machines/")
    locations, n7 = _fetch_all(client, "/api/dcim/locations/")

    location_site = {loc["id"]: loc["site"]["slug"] for loc in locations}
    mgmt_only = {i["id"]: i["mgmt_only"] for i in interfaces}
    device_site = {d["id"]: d["site"]["slug"] for d in devices}
    vm_site = {v["id"]: (v["site"] or {}).get("slug") for v in vms}

    def pid(obj, key):
        return (obj.get(key) or {}).get("id")

    hosts = [
        Host(
            "device",
            d["id"],
            d["name"],
            d["status"]["value"],
            d["role"]["slug"],
            d["asset_tag"],
            pid(d, "primary_ip4"),
            pid(d, "primary_ip6"),
        )
        for d in devices
    ] + [
        Host("vm", v["id"], v["name"], v["status"]["value"], None, None, pid(v, "primary_ip4"), pid(v, "primary_ip6"))
        for v in vms
    ]
    addresses = []
    for a in ips:
        assigned = a.get("assigned_object") or {}
        kind = a.get("assigned_object_type")
        host = assigned.get("device") or assigned.get("virtual_machine") or {}
        on_vm = kind == "virtualization.vminterface"
        addresses.append(
            Address(
                a["id"],
                a["address"],
                a["status"]["value"],
                a["dns_name"] or "",
                kind,
                host.get("id"),
                host.get("name"),
                (vm_site if on_vm else device_site).get(host.get("id")),
                bool(mgmt_only.get(a.get("assigned_object_id"))) if kind == "dcim.interface" else False,
            )
        )
    prefix_records = []
    for p in prefixes:
        scope, scope_type = p.get("scope") or {}, p.get("scope_type")
        site = scope.get("slug") if scope_type == "dcim.site" else location_site.get(scope.get("id"))
        prefix_records.append(
            Prefix(p["id"], p["prefix"], site if scope_type in ("dcim.site", "dcim.location") else None)
        )
    return hosts, addresses, prefix_records, n1 + n2 + n3 + n4 + n5 + n6 + n7
