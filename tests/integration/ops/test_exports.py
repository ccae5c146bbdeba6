"""CSV exports: table contents, bulk loading, permissions in the UI and the API."""

import csv
import io

import pytest
from core.models import ObjectType
from dcim.models import Device
from django.db import connection
from django.test.utils import CaptureQueriesContext
from extras.models import CustomField

from netbox_wmf_ops.exports.loader import write_table_csv
from netbox_wmf_ops.exports.tables import get_table
from tests import factories
from tests.factories import users

pytestmark = pytest.mark.django_db


def ticket_field() -> CustomField:
    field, _ = CustomField.objects.get_or_create(name="ticket", defaults={"type": "text", "label": "Ticket"})
    field.object_types.add(ObjectType.objects.get_for_model(Device))
    return field


def read_table(name: str, user=None) -> tuple[list[str], list[dict[str, str]]]:
    out = io.StringIO()
    count = write_table_csv(get_table(name), out, user=user)
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    rows = list(reader)
    assert count == len(rows)
    return reader.fieldnames, rows


def test_devices_table_has_fields_tags_and_flattened_custom_fields():
    ticket_field()
    dev = factories.device(serial="SN-1", custom_field_data={"ticket": "T123456"})
    header, rows = read_table("dcim.devices")
    assert header == sorted(header)
    row = next(r for r in rows if r["id"] == str(dev.pk))
    assert row["name"] == dev.name and row["serial"] == "SN-1" and row["status"] == "active"
    assert row["site"] == str(dev.site_id)  # foreign keys as ids, as the original
    assert row["cf_ticket"] == "T123456"
    assert row["tags"] == "[]"
    assert "_config_context_data" not in header and "custom_field_data" not in header


def test_rows_are_sorted_by_name_then_id():
    factories.device(name="zz-sort-b")
    factories.device(name="zz-sort-a")
    _, rows = read_table("dcim.devices")
    keys = [(r["name"], int(r["id"])) for r in rows if r["name"].startswith("zz-sort-")]
    assert keys == sorted(keys)


def test_devices_full_is_readable():
    dev = factories.device(status="planned")
    _, rows = read_table("devices_full")
    row = next(r for r in rows if r["id"] == str(dev.pk))
    assert row["site"] == dev.site.slug
    assert row["device_role"] == "asw"
    assert row["status"] == "Planned"
    assert row["device_manufacturer"] == "juniper"
    assert "rack" not in row and "position" not in row


def test_custom_fields_table_like_the_original():
    ticket_field()
    dev = factories.device(custom_field_data={"ticket": "RT #42"})
    header, rows = read_table("dcim.devices.custom_fields")
    assert "parent_id" in header and "ticket" in header
    assert {"parent_id": str(dev.pk), "ticket": "RT #42"}.items() <= next(
        r for r in rows if r["parent_id"] == str(dev.pk)
    ).items()


def test_content_type_columns_are_labels():
    _, rows = read_table("dcim.cable_terminations")
    assert all(r["termination_type"].startswith("dcim.") for r in rows)


def test_query_count_does_not_grow_with_rows():
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            write_table_csv(get_table("dcim.interfaces"), io.StringIO())
        return len(ctx.captured_queries)

    count_queries()  # warm NetBox's content type cache
    before = count_queries()
    dev = factories.device()
    for i in range(5):
        dev.interfaces.create(name=f"et-0/0/{i}", type="10gbase-x-sfpp")
    assert count_queries() == before


def test_every_table_exports():
    for name in ("dcim.sites", "ipam.ip_addresses", "virtualization.interfaces", "dcim.mac_addresses"):
        header, _ = read_table(name)
        assert "id" in header


# --- UI and API, with and without permissions ---


def test_ui_list_and_download_follow_permissions(client):
    site_a, site_b = factories.site(), factories.site()
    seen, hidden = factories.device(site_obj=site_a), factories.device(site_obj=site_b)
    account = users.user(("dcim.device", "view"), constraints={"dcim.device": {"site_id": site_a.pk}})
    client.force_login(account)

    page = client.get("/plugins/wmf-ops/exports/")
    assert page.status_code == 200
    assert b"dcim.devices" in page.content and b"ipam.prefixes" not in page.content

    response = client.get("/plugins/wmf-ops/exports/dcim.devices.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    ids = {row["id"] for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert str(seen.pk) in ids and str(hidden.pk) not in ids
    assert ids <= set(map(str, Device.objects.filter(site=site_a).values_list("pk", flat=True)))

    assert client.get("/plugins/wmf-ops/exports/ipam.prefixes.csv").status_code == 403
    assert client.get("/plugins/wmf-ops/exports/nope.csv").status_code == 404


def test_ui_requires_login(client):
    response = client.get("/plugins/wmf-ops/exports/dcim.devices.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_api_with_token(client):
    account = users.user(("dcim.site", "view"))
    header = users.token(account, write_enabled=False)
    listing = client.get("/api/plugins/wmf-ops/exports/", HTTP_AUTHORIZATION=header)
    assert listing.status_code == 200
    assert [t["name"] for t in listing.json()] == ["dcim.sites"]
    assert listing.json()[0]["url"].endswith("/api/plugins/wmf-ops/exports/dcim.sites/")

    response = client.get("/api/plugins/wmf-ops/exports/dcim.sites/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))  # cells may hold line breaks (addresses)
    assert int(response["X-Row-Count"]) == len(rows) - 1

    assert client.get("/api/plugins/wmf-ops/exports/dcim.devices/", HTTP_AUTHORIZATION=header).status_code == 403
    assert client.get("/api/plugins/wmf-ops/exports/nope/", HTTP_AUTHORIZATION=header).status_code == 404
    assert client.get("/api/plugins/wmf-ops/exports/dcim.sites/").status_code == 403  # no token, LOGIN_REQUIRED
