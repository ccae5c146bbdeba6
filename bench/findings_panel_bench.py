"""The Data quality panel on a device page (issue 13): a switch with 400 interfaces, one finding on each and one on
the device, rendered for a DC-ops user with view permissions, with the panel and without it (the extension replaced
by one that renders nothing). Target: at most 3 more queries and under 50 ms more. Everything it creates is rolled
back."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

from bench.timing import Figures, measure, median_time

INTERFACES = 400


def _fixture():
    from dcim.models import Device, DeviceRole, DeviceType, Interface, Site
    from users.models import ObjectPermission, User

    from netbox_wmf_ops.checks import failure, warning
    from netbox_wmf_ops.quality.service import record_run, start_run

    template = Device.objects.filter(role__isnull=False).select_related("role", "device_type", "site").first()
    switch = Device.objects.create(
        name="bench-panel-switch",
        role=template.role if template else DeviceRole.objects.first(),
        device_type=template.device_type if template else DeviceType.objects.first(),
        site=template.site if template else Site.objects.first(),
        status="active",
    )
    Interface.objects.bulk_create(
        [Interface(device=switch, name=f"et-0/0/{n}", type="10gbase-x-sfpp") for n in range(INTERFACES)]
    )
    pairs = [("test_bench", failure(switch, "bench: device finding", rule="bench.device"))]
    pairs += [
        ("test_bench", warning(interface, f"bench: {interface.name}", rule="bench.interface"))
        for interface in switch.interfaces.all()
    ]
    record_run(start_run("wmf_ops_cables.Cables", door="command"), tests_run=["test_bench"], findings=pairs)
    user = User.objects.create_user(username="bench-panel-dcops", password="x" * 16)
    permission = ObjectPermission.objects.create(name="bench-panel-view", actions=["view"])
    from core.models import ObjectType

    permission.object_types.set(
        ObjectType.objects.filter(app_label__in=["dcim", "ipam", "netbox_wmf_ops", "extras", "tenancy"])
    )
    permission.users.add(user)
    return switch, user


def _panel() -> Figures:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from netbox_wmf_ops.template_content import DataQualityPanel

    results: dict[str, float | int | str] = {}
    with transaction.atomic():
        switch, user = _fixture()
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].replace("*", "localhost"))
        client.force_login(user)
        url = switch.get_absolute_url()

        def page() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        body = client.get(url).content.decode()
        assert 'id="wmf-ops-data-quality"' in body, "the panel is not on the page"
        with_panel = measure(page, repeat=7)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from netbox_wmf_ops.quality.panel import panel_data

        results["panel_data() alone median ms"] = round(
            median_time(lambda: panel_data(switch, user), repeat=7) * 1000, 1
        )
        with CaptureQueriesContext(connection) as captured:
            panel_data(switch, user)
        results["panel_data() SQL ms"] = round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1)
        from django.test import RequestFactory

        request = RequestFactory().get(url)
        request.user = user
        extension = DataQualityPanel({"object": switch, "request": request, "perms": None})
        results["panel render median ms"] = round(median_time(extension.full_width_page, repeat=7) * 1000, 1)
        with mock.patch.object(DataQualityPanel, "full_width_page", lambda self: ""):
            without = measure(page, repeat=7)
        results.update(
            {
                "interfaces with a finding": INTERFACES,
                "page without panel median ms": round(without["s"] * 1000, 1),
                "panel adds ms (target < 50)": round((with_panel["s"] - without["s"]) * 1000, 1),
                "page without panel queries": without["queries"],
                "panel adds queries (target <= 3)": with_panel["queries"] - without["queries"],
            }
        )
        figure = {**with_panel, "work": "fixed", **results}
        transaction.set_rollback(True)
    yield f"device page with its data-quality panel ({INTERFACES} interfaces with a finding)", figure


def groups() -> dict[str, Callable[[], Figures]]:
    return {"panel": _panel}
