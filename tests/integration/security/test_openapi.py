"""NetBox's OpenAPI schema with the plugin installed (issue #11): it is served, it validates, the plugin's endpoints
are in it without drf-spectacular warnings, and Schemathesis, driven by it, finds no server error in the plugin's
endpoints for valid and invalid input (bounded: a few examples per operation, no deadline)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from .world import ECHO, STATS

PREFIX = "/api/plugins/wmf-ops/"
PLUGIN_VIEWS = (
    "ScriptProxyView",
    "ReportStatusView",
    "ReportMetricsView",
    "RecurringStatusView",
    "ExportListAPIView",
    "ExportTableAPIView",
    "FindingViewSet",
    "CheckRunViewSet",
    "RunCheckAPIView",
)
EXPECTED = {
    f"{PREFIX}exports/": {"get"},
    f"{PREFIX}exports/{{name}}/": {"get"},
    f"{PREFIX}metrics/": {"get"},
    f"{PREFIX}proxy/{{name}}/": {"get", "post"},
    f"{PREFIX}reports/{{report}}/status/": {"get"},
    f"{PREFIX}jobs/status/": {"get"},
    f"{PREFIX}checks/{{report}}/run/": {"post"},
    f"{PREFIX}findings/": {"get"},
    f"{PREFIX}findings/{{id}}/": {"get"},
    f"{PREFIX}findings/{{id}}/acknowledge/": {"post"},
    f"{PREFIX}findings/{{id}}/unacknowledge/": {"post"},
    f"{PREFIX}runs/": {"get"},
    f"{PREFIX}runs/{{id}}/": {"get"},
}


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker, world) -> tuple[int, dict, list[str]]:
    """GET /api/schema/?format=json as a logged-in user, once (NetBox's whole schema takes a while to build)."""
    from django.test import Client

    client = Client()
    with django_db_blocker.unblock():
        client.force_login(world.superuser)
        response = client.get("/api/schema/", {"format": "json"})
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    body = json.loads(response.content) if response.status_code == 200 else {}
    return response.status_code, body, messages


@pytest.mark.django_db  # ordered with the other database tests, before transactional ones flush the world
def test_the_schema_is_served_valid_and_lists_the_plugin(openapi):
    status, schema, messages = openapi
    assert status == 200
    validate(schema)  # openapi-spec-validator: raises on an invalid document
    plugin_paths = {path: set(ops) for path, ops in schema["paths"].items() if path.startswith(PREFIX)}
    assert {path: ops & {"get", "post", "put", "patch", "delete"} for path, ops in plugin_paths.items()} == EXPECTED
    assert not [m for m in messages if any(view in m for view in PLUGIN_VIEWS) or "netbox_wmf_ops" in m]
    proxy = schema["paths"][f"{PREFIX}proxy/{{name}}/"]
    assert "text/plain" in proxy["get"]["responses"]["200"]["content"]
    assert "503" in proxy["get"]["responses"]


@pytest.fixture
def wsgi_requests_keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test transaction's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def plugin_operations(schema: dict):
    loaded = schemathesis.openapi.from_dict(schema).include(path_regex=f"^{PREFIX}")
    loaded.app = WSGIHandler()
    return [result.ok() for result in loaded.get_all_operations()]


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error(
    openapi, world, plugin_settings, wsgi_requests_keep_the_test_connection, mode
):
    """Every plugin operation, with generated path, query and body (valid, then schema-violating), answers below
    500; the proxy also with its path fixed to real scripts so the variables reach their forms."""
    plugin_settings["proxy_allowed_scripts"] = [STATS, ECHO]  # fast, side-effect-free scripts only
    _, schema, _ = openapi
    operations = plugin_operations(schema)
    assert len(operations) == sum(len(methods) for methods in EXPECTED.values())
    headers = {"Authorization": world.write_token}
    failures: list[str] = []
    for operation in operations:
        strategies = [operation.as_strategy(generation_mode=mode)]
        if "proxy" in operation.path:
            strategies += [operation.as_strategy(generation_mode=mode, path_parameters={"name": ECHO})]

        for strategy in strategies:

            @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def check(case) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query} {case.body!r}: {response.status_code}"
                    )

            try:
                check()
            except Unsatisfiable:
                # Negative mode on an operation with nothing to violate (no parameters, no body): no case exists.
                assert mode == GenerationMode.NEGATIVE, operation.label
    assert not failures, "\n".join(failures[:10])
