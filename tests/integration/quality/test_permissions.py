"""Object permissions: a finding about an object the user may not view is invisible in the UI list, its export, the
detail page, the Checks counts and the REST API; the run endpoint needs a write token and the add permission."""

from __future__ import annotations

import pytest

from netbox_wmf_ops.models import Finding
from netbox_wmf_ops.quality.runner import run_report
from tests import factories
from tests.factories import users as factories_ops

pytestmark = pytest.mark.django_db
MANAGEMENT = "wmf_ops_management.ManagementConsole"


@pytest.fixture
def two_sites():
    seen_site, hidden_site = factories.site(), factories.site()
    seen = factories.device(role_slug="asw", site_obj=seen_site)
    hidden = factories.device(role_slug="asw", site_obj=hidden_site)
    run_report(MANAGEMENT, door="command")
    return seen, hidden


@pytest.fixture
def constrained(two_sites):
    seen, _hidden = two_sites
    return factories_ops.user(
        ("netbox_wmf_ops.finding", "view"),
        ("netbox_wmf_ops.checkrun", "view"),
        ("dcim.device", "view"),
        constraints={"dcim.device": {"site_id": seen.site_id}},
    )


def test_ui_list_export_and_detail_hide_findings_about_hidden_objects(client, two_sites, constrained):
    seen, hidden = two_sites
    client.force_login(constrained)
    page = client.get(f"/plugins/wmf-ops/findings/?report={MANAGEMENT}&per_page=1000").content.decode()
    assert seen.name in page and hidden.name not in page
    export = client.get(f"/plugins/wmf-ops/findings/?report={MANAGEMENT}&export=table")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = export.content.decode()
    assert seen.name in text and hidden.name not in text
    hidden_finding = Finding.objects.get(object_id=hidden.pk, report=MANAGEMENT)
    assert client.get(hidden_finding.get_absolute_url()).status_code == 404
    visible_finding = Finding.objects.get(object_id=seen.pk, report=MANAGEMENT)
    assert client.get(visible_finding.get_absolute_url()).status_code == 200


def test_checks_counts_only_what_the_user_may_see(client, two_sites, constrained):
    from netbox_wmf_ops.quality.views import checks_overview

    superuser = factories_ops.user(superuser=True)
    everything = {row["name"]: row for row in checks_overview(superuser)}[MANAGEMENT]
    limited = {row["name"]: row for row in checks_overview(constrained)}[MANAGEMENT]
    assert limited["failures"] == 1 and everything["failures"] > limited["failures"]
    client.force_login(constrained)
    assert client.get("/plugins/wmf-ops/checks/").status_code == 200


def test_api_findings_hide_hidden_objects(client, two_sites, constrained):
    seen, hidden = two_sites
    header = factories_ops.token(constrained, write_enabled=False)
    body = client.get(
        f"/api/plugins/wmf-ops/findings/?report={MANAGEMENT}&limit=1000", HTTP_AUTHORIZATION=header
    ).json()
    ids = {row["object_id"] for row in body["results"]}
    assert seen.pk in ids and hidden.pk not in ids
    assert (
        client.get(f"/api/plugins/wmf-ops/findings/?site_id={seen.site_id}", HTTP_AUTHORIZATION=header).json()["count"]
        == 1
    )


def test_run_endpoint_needs_the_permission_and_a_write_token(client):
    url = f"/api/plugins/wmf-ops/checks/{MANAGEMENT}/run/"
    assert client.post(url).status_code in (401, 403)
    reader = factories_ops.user(("netbox_wmf_ops.checkrun", "view"))
    assert client.post(url, HTTP_AUTHORIZATION=factories_ops.token(reader)).status_code == 403
    runner = factories_ops.user(("netbox_wmf_ops.checkrun", "add"))
    assert client.post(url, HTTP_AUTHORIZATION=factories_ops.token(runner, write_enabled=False)).status_code == 403
    answer = client.post(url, HTTP_AUTHORIZATION=factories_ops.token(runner))
    assert answer.status_code == 202 and answer.json()["job_id"]
    assert (
        client.post(
            "/api/plugins/wmf-ops/checks/nope.Nope/run/", HTTP_AUTHORIZATION=factories_ops.token(runner)
        ).status_code
        == 404
    )


def test_ui_run_button_needs_the_permission(client):
    viewer = factories_ops.user(("netbox_wmf_ops.checkrun", "view"))
    client.force_login(viewer)
    page = client.get("/plugins/wmf-ops/checks/").content.decode()
    assert MANAGEMENT in page and 'name="run"' not in page
    assert client.post(f"/plugins/wmf-ops/checks/{MANAGEMENT}/run/").status_code == 403


def test_api_answers_without_permission(client):
    assert client.get("/api/plugins/wmf-ops/findings/").status_code == 403
    assert client.get("/api/plugins/wmf-ops/runs/").status_code == 403
    nobody = factories_ops.token(factories_ops.user())
    assert client.get("/api/plugins/wmf-ops/findings/", HTTP_AUTHORIZATION=nobody).status_code == 403
    writer = factories_ops.token(factories_ops.user(superuser=True))
    assert client.get("/api/plugins/wmf-ops/runs/", HTTP_AUTHORIZATION=writer).status_code == 200
    assert client.post("/api/plugins/wmf-ops/findings/", {}, HTTP_AUTHORIZATION=writer).status_code == 405
    assert client.get("/plugins/wmf-ops/findings/").status_code == 302  # to the login page
    client.force_login(factories_ops.user())
    assert client.get("/plugins/wmf-ops/findings/").status_code == 403
    assert client.get("/plugins/wmf-ops/checks/").status_code == 403


@pytest.mark.parametrize(
    "query", ["site_id=abc", "new=maybe", "status=bogus", "report=nope.Nope", "level=fatal", "run_id=x", "sort=nope"]
)
def test_bad_filters_are_no_server_error(client, query):
    superuser = factories_ops.user(superuser=True)
    client.force_login(superuser)
    assert client.get(f"/plugins/wmf-ops/findings/?{query}").status_code < 500
    assert client.get(f"/plugins/wmf-ops/runs/?{query}").status_code < 500
    header = factories_ops.token(superuser)
    assert client.get(f"/api/plugins/wmf-ops/findings/?{query}", HTTP_AUTHORIZATION=header).status_code in (200, 400)


def test_graphql_findings_follow_object_permissions(client, two_sites, constrained):
    seen, hidden = two_sites
    header = factories_ops.token(constrained, write_enabled=False)
    query = "{ wmf_ops_finding_list { id report rule object_id message } }"
    answer = client.post("/graphql/", {"query": query}, content_type="application/json", HTTP_AUTHORIZATION=header)
    assert answer.status_code == 200, answer.content
    rows = answer.json()["data"]["wmf_ops_finding_list"]
    objects = {int(row["object_id"]) for row in rows if row["object_id"] is not None}
    assert seen.pk in objects and hidden.pk not in objects
