"""Findings in the operator's flow (issue #13 items 1-3) on real data: the Data quality panel on object pages (with
a device's components, bounded queries, object permissions), acknowledgements (UI, bulk, REST, change log, alerting,
expiry, a changed message), notifications and the Event Rules event, owners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from core.models import ObjectChange, ObjectType
from dcim.models import Cable, Interface
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from extras.models import EventRule, Notification, NotificationGroup
from ipam.models import VLAN, IPAddress, Prefix

from netbox_wmf_ops.alerting import judge
from netbox_wmf_ops.checks import failure, warning
from netbox_wmf_ops.loaders.report_status import latest_result, latest_results
from netbox_wmf_ops.models import CheckRun, Finding, ReportSubscription
from netbox_wmf_ops.quality.acknowledge import acknowledge
from netbox_wmf_ops.quality.notify import NEW_FAILURES
from netbox_wmf_ops.quality.panel import PANEL_ROWS, panel_data
from netbox_wmf_ops.quality.runner import run_report
from netbox_wmf_ops.quality.service import record_run, start_run
from tests import factories
from tests.factories import users as factories_ops

pytestmark = pytest.mark.django_db
MANAGEMENT = "wmf_ops_management.ManagementConsole"
CABLES = "wmf_ops_cables.Cables"  # the findings below are recorded under a shipped report's name (owner DC-ops)
COHERENCE = "wmf_ops_coherence.Coherence"


def record(report: str, pairs, tests=("test_panel",)) -> CheckRun:
    """Record (test, checks.Finding) pairs as one run of `report`, through the one recording service."""
    return record_run(start_run(report, door="command"), tests_run=list(tests), findings=pairs)


def switch(interfaces: int, site=None):
    device = factories.device(role_slug="asw", site_obj=site)
    Interface.objects.bulk_create(
        [Interface(device=device, name=f"xe-0/0/{n}", type="10gbase-x-sfpp") for n in range(interfaces)]
    )
    return device


def switch_findings(device) -> list:
    pairs = [("test_panel", failure(device, "device is wrong", rule="panel.device"))]
    pairs += [
        ("test_panel", warning(interface, f"{interface.name} is odd", rule="panel.interface"))
        for interface in device.interfaces.all()
    ]
    return pairs


# ------------------------------------------------------------------------------------------------------------ panel


def test_device_panel_lists_its_and_its_components_findings_in_bounded_queries(client):
    small, big = switch(3), switch(120)
    console = factories.console_port(big)
    cable = factories.cable_console(console)
    record(CABLES, switch_findings(small) + switch_findings(big) + [("test_panel", failure(cable, "cable unlabelled"))])
    viewer = factories_ops.user(
        ("netbox_wmf_ops.finding", "view"), ("dcim.device", "view"), ("dcim.interface", "view"), ("dcim.cable", "view")
    )
    data = panel_data(big, viewer)
    assert data.total == 1 + 120 + 1 and data.on_components == 121 and data.counted == data.total
    assert len(data.rows) == PANEL_ROWS and data.rows[0].level == "failure"
    assert "device_id=" in data.url

    def panel_queries(device) -> int:
        with CaptureQueriesContext(connection) as queries:
            panel_data(device, viewer)
        return len(queries)

    # The user's permissions are loaded once per request (the page has them already): then two findings queries (the
    # counts, the first rows), whatever the number of interfaces.
    assert panel_queries(small) == panel_queries(big) == 2

    client.force_login(viewer)
    page = client.get(big.get_absolute_url()).content.decode()
    assert 'id="wmf-ops-data-quality"' in page and "cable unlabelled" in page and "device is wrong" in page
    assert 'id="wmf-ops-dq-count">122<' in page
    listing = client.get(data.url + "&per_page=500").content.decode()
    assert "xe-0/0/119 is odd" in listing and "cable unlabelled" in listing


def test_panel_on_every_object_page():
    objects = {
        "interface": Interface.objects.first(),
        "cable": Cable.objects.first(),
        "ipaddress": IPAddress.objects.first(),
        "prefix": Prefix.objects.first(),
        "vlan": VLAN.objects.first(),
    }
    from circuits.models import Circuit
    from dcim.models import Rack
    from virtualization.models import VirtualMachine

    objects.update(rack=Rack.objects.first(), circuit=Circuit.objects.first(), vm=VirtualMachine.objects.first())
    present = {name: obj for name, obj in objects.items() if obj is not None}
    assert set(present) >= {
        "interface",
        "cable",
        "ipaddress",
        "prefix",
        "vlan",
        "rack",
        "vm",
    }  # the demo fleet has them
    record(CABLES, [("test_panel", failure(obj, f"panel check {name}")) for name, obj in present.items()])
    from django.test import Client

    client = Client()
    client.force_login(factories_ops.user(superuser=True))
    for name, obj in present.items():
        page = client.get(obj.get_absolute_url())
        assert page.status_code == 200, name
        text = page.content.decode()
        assert 'id="wmf-ops-data-quality"' in text and f"panel check {name}" in text, name


def test_panel_shows_only_what_the_user_may_see(client):
    device = switch(4)
    record(CABLES, switch_findings(device))
    # May view the device and one of its interfaces only.
    limited = factories_ops.user(
        ("netbox_wmf_ops.finding", "view"),
        ("dcim.device", "view"),
        ("dcim.interface", "view"),
        constraints={"dcim.interface": {"name": "xe-0/0/2"}},
    )
    data = panel_data(device, limited)
    assert sorted(f.message for f in data.rows) == ["device is wrong", "xe-0/0/2 is odd"]
    # Without the permission to view findings: no panel at all.
    blind = factories_ops.user(("dcim.device", "view"), ("dcim.interface", "view"))
    assert panel_data(device, blind) is None
    client.force_login(blind)
    assert 'id="wmf-ops-data-quality"' not in client.get(device.get_absolute_url()).content.decode()
    # A finding about a device the user may not view is not counted in another device's list link either.
    client.force_login(limited)
    listing = client.get(f"/plugins/wmf-ops/findings/?device_id={device.pk}&per_page=100").content.decode()
    assert "xe-0/0/2 is odd" in listing and "xe-0/0/1 is odd" not in listing


# --------------------------------------------------------------------------------------------------- acknowledgement


@pytest.fixture
def failing():
    """Two devices failing the ManagementConsole report, recorded by a real run."""
    site = factories.site()
    devices = [factories.device(role_slug="asw", site_obj=site) for _ in range(2)]
    run_report(MANAGEMENT, door="command")
    return [Finding.objects.get(report=MANAGEMENT, object_id=d.pk, resolved__isnull=True) for d in devices]


def acker(**constraints):
    return factories_ops.user(
        ("netbox_wmf_ops.finding", "view"),
        ("netbox_wmf_ops.finding", "acknowledge"),
        ("dcim.device", "view"),
        constraints=constraints or None,
    )


def open_failures(report: str = MANAGEMENT) -> int:
    return latest_result(report).data["tests"]["test_management_console"]["failure"]


def test_acknowledge_in_the_ui_is_change_logged_and_not_alerted_until_it_expires(client, failing):
    first, second = failing
    before = open_failures()
    user = acker()
    client.force_login(user)
    # A reason is required: the form says so (no 500, nothing written).
    answer = client.post(f"/plugins/wmf-ops/findings/{first.pk}/acknowledge/", {"reason": "  "})
    assert answer.status_code == 200 and "required" in answer.content.decode()
    first.refresh_from_db()
    assert first.acknowledged is None
    # Past expiry dates are refused too.
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    answer = client.post(f"/plugins/wmf-ops/findings/{first.pk}/acknowledge/", {"reason": "ok", "until": yesterday})
    assert answer.status_code == 200 and "in the past" in answer.content.decode()

    answer = client.post(
        f"/plugins/wmf-ops/findings/{first.pk}/acknowledge/", {"reason": "console server being replaced"}
    )
    assert answer.status_code == 302
    first.refresh_from_db()
    assert first.acknowledged_by == user and first.acknowledged_reason == "console server being replaced"
    change = ObjectChange.objects.filter(changed_object_id=first.pk, user=user).latest("time")
    assert change.postchange_data["acknowledged_reason"] == "console server being replaced"
    assert change.prechange_data["acknowledged"] is None
    # Not counted by the alerting numbers, the status endpoint's verdict, nor as new; still visible in the list.
    assert open_failures() == before - 1
    assert latest_results([MANAGEMENT])[MANAGEMENT][0].new == before - 1
    page = client.get(f"/plugins/wmf-ops/findings/?report={MANAGEMENT}&per_page=1000").content.decode()
    assert first.display in page
    acknowledged = client.get(f"/plugins/wmf-ops/findings/?report={MANAGEMENT}&acknowledged=true").content.decode()
    assert first.display in acknowledged and second.display not in acknowledged
    # A rerun keeps the acknowledgement (same message).
    run_report(MANAGEMENT, door="command")
    first.refresh_from_db()
    assert first.is_acknowledged() and open_failures() == before - 1
    # It expires: counted again, still recorded as acknowledged (expired).
    Finding.objects.filter(pk=first.pk).update(acknowledged_until=timezone.localdate() - timedelta(days=1))
    assert open_failures() == before
    first.refresh_from_db()
    assert first.acknowledgement_state == "expired"


def test_bulk_acknowledge_and_unacknowledge_from_the_list(client, failing):
    user = acker()
    client.force_login(user)
    pks = [str(f.pk) for f in failing]
    form = client.post(
        "/plugins/wmf-ops/findings/acknowledge/", {"pk": pks, "return_url": "/plugins/wmf-ops/findings/"}
    )
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    done = client.post(
        "/plugins/wmf-ops/findings/acknowledge/", {"pk": pks, "_apply": "1", "reason": "planned work", "until": until}
    )
    assert done.status_code == 302
    assert Finding.objects.filter(pk__in=pks, acknowledged_reason="planned work", acknowledged_until=until).count() == 2
    assert client.post("/plugins/wmf-ops/findings/unacknowledge/", {"pk": pks, "_apply": "1"}).status_code == 302
    assert not Finding.objects.filter(pk__in=pks, acknowledged__isnull=False).exists()
    # "Select all matching the filter": every open finding of the filtered list that the user may acknowledge.
    query = f"report={MANAGEMENT}&id={pks[0]}&id={pks[1]}"
    all_done = client.post(
        f"/plugins/wmf-ops/findings/acknowledge/?{query}", {"_all": "1", "_apply": "1", "reason": "all"}
    )
    assert all_done.status_code == 302
    assert Finding.objects.filter(report=MANAGEMENT, acknowledged_reason="all").count() == 2
    # The list shows the bulk buttons (posting to the bulk views) to this user, not to one without the permission.
    listing = client.get("/plugins/wmf-ops/findings/").content.decode()
    assert "Acknowledge selected" in listing and "/plugins/wmf-ops/findings/acknowledge/" in listing
    assert "/plugins/wmf-ops/findings/unacknowledge/" in listing
    client.force_login(factories_ops.user(("netbox_wmf_ops.finding", "view"), ("dcim.device", "view")))
    assert "Acknowledge selected" not in client.get("/plugins/wmf-ops/findings/").content.decode()
    assert (
        client.post("/plugins/wmf-ops/findings/acknowledge/", {"pk": pks, "_apply": "1", "reason": "x"}).status_code
        == 403
    )
    assert client.get(f"/plugins/wmf-ops/findings/{pks[0]}/acknowledge/").status_code == 403


def test_a_changed_message_clears_the_acknowledgement():
    device = switch(0)
    record(CABLES, [("test_panel", failure(device, "label missing"))])
    finding = Finding.objects.get(report=CABLES, object_id=device.pk, resolved__isnull=True)
    Finding.objects.filter(pk=finding.pk).update(acknowledged=timezone.now(), acknowledged_reason="known")
    record(CABLES, [("test_panel", failure(device, "label missing"))])
    finding.refresh_from_db()
    assert finding.acknowledged_reason == "known"
    record(CABLES, [("test_panel", failure(device, "label says foo, expected bar"))])
    finding.refresh_from_db()
    assert finding.message == "label says foo, expected bar"
    assert (finding.acknowledged, finding.acknowledged_reason, finding.resolved) == (None, "", None)


def test_api_acknowledge_permission_matrix(client, failing):
    first, second = failing
    body = {"reason": "spare part ordered"}

    def acknowledge_api(finding, header=None, data=body):
        """POST the acknowledge endpoint of ``finding``, with ``header`` as Authorization (anonymous without)."""
        auth = {"HTTP_AUTHORIZATION": header} if header else {}
        url = f"/api/plugins/wmf-ops/findings/{finding.pk}/acknowledge/"
        return client.post(url, data, content_type="application/json", **auth)

    # anonymous
    assert acknowledge_api(first).status_code == 403
    # a user without the acknowledge permission (may view)
    viewer = factories_ops.user(("netbox_wmf_ops.finding", "view"), ("dcim.device", "view"))
    assert acknowledge_api(first, factories_ops.token(viewer)).status_code == 403
    # read-only token of a user who may acknowledge
    user = acker()
    assert acknowledge_api(first, factories_ops.token(user, False)).status_code == 403
    # object-constrained: may acknowledge only the other finding
    constrained = factories_ops.user(
        ("netbox_wmf_ops.finding", "view"), ("dcim.device", "view"), ("netbox_wmf_ops.finding", "acknowledge"),
        constraints={"netbox_wmf_ops.finding": {"pk": second.pk}},
    )  # fmt: skip
    assert acknowledge_api(first, factories_ops.token(constrained)).status_code == 404
    # a user who may acknowledge findings but not view the device: the finding does not exist for them
    blind = factories_ops.user(("netbox_wmf_ops.finding", "view"), ("netbox_wmf_ops.finding", "acknowledge"))
    assert acknowledge_api(first, factories_ops.token(blind)).status_code == 404
    # bad input: 400 with the reason
    header = factories_ops.token(user)
    assert acknowledge_api(first, header, {"reason": ""}).status_code == 400
    # write token with the permission
    done = acknowledge_api(first, header)
    assert done.status_code == 200 and done.json()["acknowledgement"] == "acknowledged"
    assert (
        done.json()["acknowledged_reason"] == "spare part ordered" and done.json()["acknowledged_by"] == user.username
    )
    undo = client.post(f"/api/plugins/wmf-ops/findings/{first.pk}/unacknowledge/", HTTP_AUTHORIZATION=header)
    assert undo.status_code == 200 and undo.json()["acknowledgement"] == ""
    # a resolved finding cannot be acknowledged
    Finding.objects.filter(pk=second.pk).update(resolved=timezone.now())
    assert acknowledge_api(second, header).status_code == 409
    # superuser
    root = factories_ops.user(superuser=True)
    assert acknowledge_api(first, factories_ops.token(root)).status_code == 200


# ---------------------------------------------------------------------------------------------------- notifications


def test_one_notification_per_run_for_subscribers_who_may_see_the_new_failures(client):
    site, other = factories.site(), factories.site()
    subscriber = factories_ops.user(
        ("netbox_wmf_ops.finding", "view"), ("netbox_wmf_ops.checkrun", "view"), ("dcim.device", "view")
    )
    limited = factories_ops.user(
        ("netbox_wmf_ops.finding", "view"), ("netbox_wmf_ops.checkrun", "view"), ("dcim.device", "view"),
        constraints={"dcim.device": {"site_id": other.pk}},
    )  # fmt: skip
    bystander = factories_ops.user(("netbox_wmf_ops.checkrun", "view"))
    for user in (subscriber, limited):
        client.force_login(user)
        assert client.post(f"/plugins/wmf-ops/checks/{MANAGEMENT}/subscribe/").status_code == 302
    assert ReportSubscription.objects.filter(report=MANAGEMENT).count() == 2
    run_report(MANAGEMENT, door="command")  # settle whatever the fleet has
    Notification.objects.all().delete()

    factories.device(role_slug="asw", site_obj=site)
    factories.device(role_slug="asw", site_obj=site)
    run, _ = run_report(MANAGEMENT, door="command")
    assert run.new_findings == 2
    notes = Notification.objects.filter(event_type=NEW_FAILURES)
    assert [n.user for n in notes] == [subscriber]  # limited sees none of the new failures; bystander not subscribed
    note = notes.get()
    assert note.object == run and "2 new failures" in note.object_repr and "owner: DC-ops" in note.object_repr
    client.force_login(subscriber)
    bell = client.get("/extras/notifications/", HTTP_HX_REQUEST="true").content.decode()  # the bell menu's dropdown
    assert note.object_repr in bell
    assert client.get(f"/extras/notifications/{note.pk}/read/")["Location"] == run.get_absolute_url()
    # A run that opens nothing notifies nobody.
    run_report(MANAGEMENT, door="command")
    assert Notification.objects.filter(event_type=NEW_FAILURES).count() == 1
    # Unsubscribing stops it.
    client.post(f"/plugins/wmf-ops/checks/{MANAGEMENT}/subscribe/", {"subscribe": "0"})
    assert not ReportSubscription.objects.filter(user=subscriber).exists()
    assert bystander not in [n.user for n in Notification.objects.all()]


def test_event_rules_receive_the_new_failures_event_and_non_alerting_reports_stay_silent():
    member = factories_ops.user(("netbox_wmf_ops.checkrun", "view"))
    group = NotificationGroup.objects.create(name=factories.unique("dq-group"))
    group.users.add(member)
    rule = EventRule.objects.create(
        name=factories.unique("dq-rule"),
        event_types=[NEW_FAILURES],
        action_type="notification",
        action_object_type=ObjectType.objects.get_for_model(NotificationGroup),
        action_object_id=group.pk,
    )
    rule.object_types.set([ObjectType.objects.get_for_model(CheckRun)])
    device = switch(0)
    run = record(CABLES, [("test_panel", failure(device, "no label"))])
    note = Notification.objects.get(user=member, event_type=NEW_FAILURES)
    assert note.object_id == run.pk  # (NetBox's group notification names the run itself)
    # Coherence declares alerts = False: no event, no notification, and its verdict stays OK.
    ReportSubscription.objects.create(user=member, report=COHERENCE)
    quiet = record(COHERENCE, [("test_panel", failure(factories.device(), "incoherent"))])
    assert quiet.new_findings == 1
    assert not Notification.objects.filter(object_id=quiet.pk, event_type=NEW_FAILURES).exists()
    verdict = judge(COHERENCE, latest_result(COHERENCE), timezone.now(), alerts=False)
    assert verdict.state == "OK" and "does not alert" in verdict.summary


def test_checks_page_shows_owners_and_subscription(client):
    client.force_login(factories_ops.user(("netbox_wmf_ops.checkrun", "view"), ("netbox_wmf_ops.finding", "view")))
    page = client.get("/plugins/wmf-ops/checks/").content.decode()
    assert "Owner: DC-ops/finance" in page and "does not alert" in page and 'name="subscribe"' in page


def test_list_and_api_queries_do_not_grow_with_acknowledged_findings(client):
    root = factories_ops.user(superuser=True)
    header = factories_ops.token(root)
    client.force_login(root)

    def queries_for(count: int) -> tuple[int, int]:
        devices = [factories.device() for _ in range(count)]
        run = record(CABLES, [("test_ack", failure(d, "acknowledged defect")) for d in devices], tests=("test_ack",))
        for finding in Finding.objects.filter(first_run=run):
            acknowledge([finding], root, "bulk test")
        with CaptureQueriesContext(connection) as api:
            url = f"/api/plugins/wmf-ops/findings/?acknowledged=true&opened_by_id={run.pk}&limit=100"
            assert client.get(url, HTTP_AUTHORIZATION=header).json()["count"] == count
        with CaptureQueriesContext(connection) as page:
            url = f"/plugins/wmf-ops/findings/?acknowledged=true&opened_by_id={run.pk}&per_page=100"
            assert client.get(url).status_code == 200
        return len(api), len(page)

    assert queries_for(2) == queries_for(12)
