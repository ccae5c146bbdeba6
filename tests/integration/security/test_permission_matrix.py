"""The permission matrix of docs/security.md, asserted cell by cell (issue #11).

The table is parsed from the markdown, so the documentation and the test cannot drift; and every URL pattern of the
plugin (namespaces ``plugins:netbox_wmf_ops`` and ``plugins-api:netbox_wmf_ops-api``, read from Django's resolver)
must have a row, so a new endpoint cannot be added without deciding who may reach it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import git
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

DOC = Path(__file__).resolve().parents[3] / "docs/security.md"
COLUMNS = ["anonymous", "no permission", "constrained", "read-only token", "write token", "superuser"]
NAMESPACES = {"plugins": "netbox_wmf_ops", "plugins-api": "netbox_wmf_ops-api"}
POST_BODY = {"data": {}, "commit": False}


@dataclass(frozen=True)
class Row:
    url_name: str
    method: str
    kwargs: dict[str, str]
    expected: dict[str, int]

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.method} {self.url_name.rsplit(':', 1)[1]}({args})"


def parse_matrix(text: str) -> list[Row]:
    block = text.split("<!-- permission-matrix:start -->", 1)[1].split("<!-- permission-matrix:end -->", 1)[0]
    lines = [line.strip() for line in block.strip().splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["URL name", "method", "kwargs", *COLUMNS], header
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name, method, kwargs, *statuses = cells
        pairs = [pair.split("=", 1) for pair in kwargs.split(";") if pair.strip()]
        rows.append(
            Row(
                url_name=name.strip("`"),
                method=method.upper(),
                kwargs={key.strip(): value.strip() for key, value in pairs},
                expected=dict(zip(COLUMNS, (int(status) for status in statuses), strict=True)),
            )
        )
    return rows


ROWS = parse_matrix(DOC.read_text())


def plugin_url_names() -> set[str]:
    """Every named URL pattern of the plugin, with its namespace, as Django resolves them."""

    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{prefix}{pattern.name}"

    names = set()
    root = get_resolver()
    for outer, inner in NAMESPACES.items():
        _, plugin = root.namespace_dict[outer][1].namespace_dict[inner]
        names |= set(walk(plugin, f"{outer}:{inner}:"))
    return names


def test_every_plugin_url_has_a_row():
    names = plugin_url_names()
    assert len(names) >= 9  # the resolver walk found the plugin's URLs
    missing = sorted(names - {row.url_name for row in ROWS})
    assert not missing, f"add a row to the permission matrix in docs/security.md for: {missing}"
    unknown = sorted({row.url_name for row in ROWS} - names)
    assert not unknown, f"rows of docs/security.md name no URL of the plugin: {unknown}"


@pytest.fixture
def dns_repository(plugin_settings, tmp_path):
    origin = tmp_path / "dns.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    work = git.Repo.clone_from(origin, tmp_path / "work")
    (tmp_path / "work" / "x.wmnet").write_text("x 1H IN A 10.0.0.1\n")
    work.git.add("-A")
    work.git.commit("-m", "seed", author="Seeder <s@example.org>")
    work.git.push("origin", "HEAD:refs/heads/main")
    plugin_settings["dns_repository_path"] = str(origin)
    return origin


def caller(world, column: str, api: bool) -> tuple[Client, dict[str, str]]:
    """A client and its headers for one column of the matrix."""
    client = Client()
    users = {"no permission": world.noperm, "constrained": world.constrained, "superuser": world.superuser}
    if column == "anonymous":
        return client, {}
    if column == "read-only token":
        return client, {"HTTP_AUTHORIZATION": world.readonly_token}
    if column == "write token":
        return client, {"HTTP_AUTHORIZATION": world.write_token}
    if api:
        tokens = {
            "no permission": world.noperm_token,
            "constrained": world.constrained_token,
            "superuser": world.superuser_token,
        }
        return client, {"HTTP_AUTHORIZATION": tokens[column]}
    client.force_login(users[column])
    return client, {}


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_permission_matrix(row: Row, world, dns_repository):
    # A kwarg value `world.<name>` is an object the world made for the matrix (its pk differs per test database).
    kwargs = {
        k: getattr(world, v.removeprefix("world.")) if v.startswith("world.") else v for k, v in row.kwargs.items()
    }
    url = reverse(row.url_name, kwargs=kwargs or None)
    api = row.url_name.startswith("plugins-api:")
    actual = {}
    for column in COLUMNS:
        client, headers = caller(world, column, api)
        if row.method == "GET":
            response = client.get(url, **headers)
        elif row.method == "POST":
            response = client.post(url, POST_BODY, content_type="application/json", **headers)
        else:
            raise AssertionError(f"method {row.method} of {row.id}: the matrix test does not know it")
        actual[column] = response.status_code
    assert actual == row.expected, f"{row.id}: {url}"


def test_matrix_rows_are_well_formed():
    assert len({(row.url_name, row.method, tuple(row.kwargs.items())) for row in ROWS}) == len(ROWS)
    for row in ROWS:
        assert re.fullmatch(r"plugins(-api)?:[\w-]+:[\w-]+", row.url_name), row.url_name
        assert all(100 <= status < 600 for status in row.expected.values()), row
