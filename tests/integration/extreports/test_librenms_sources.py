"""LibreNMS readers against the real MariaDB (LibreNMS's own tables and column names) and a local fake of its REST
API v0. No NetBox database needed."""

import socket

import pymysql
import pytest

from dev.fakes.extreports import FakeLibreNMS
from dev.librenms_harness import MARIADB, librenms_database
from netbox_wmf_ops.checks.librenms import LibreNMSDevice, LibreNMSItem, normalise
from netbox_wmf_ops.sources import SourceError
from netbox_wmf_ops.sources.http import HttpOptions
from netbox_wmf_ops.sources.librenms import read_api, read_database
from tests.integration.extreports.sample_librenms import DEVICES, INVENTORY

TOKEN = "0123456789abcdef0123456789abcdef"
FAST = HttpOptions(connect_timeout=2, read_timeout=2)

EXPECTED_DEVICES = {
    "WS3718350001": LibreNMSDevice(
        "101",
        "asw1-b1-eqiad.mgmt.eqiad.wmnet",
        "qfx5120-48y-8c",
        "juniper networks, inc. jnp48y8c-chas",
        "WS3718350001",
    ),
    "JN11F2A3BAFA": LibreNMSDevice(
        "102", "cr1-eqiad.wikimedia.org", "mx480", "juniper networks, inc. mx480 internet router", "JN11F2A3BAFA"
    ),
    "CW4318AF0123": LibreNMSDevice(
        "103", "pfw3a-codfw.mgmt.codfw.wmnet", "srx1500", "juniper networks, inc. srx1500", "CW4318AF0123"
    ),
    "ABEF0001234": LibreNMSDevice(
        "104", "ps1-b1-eqiad.mgmt.eqiad.wmnet", "UNKNOWN", "sentry switched cdu", "ABEF0001234"
    ),
    "DK1234ABCD": LibreNMSDevice("108", "ghost1-eqiad.wikimedia.org", "mx204", "juniper networks mx204", "DK1234ABCD"),
}
EXPECTED_INVENTORY = {
    "CAHC1234": LibreNMSItem("1", "mpc7e 3d mrate-12xqsfpp-xge-xlge-cge", "CAHC1234", "fpc @ 0/*/*", "juniper"),
    "9009123456": LibreNMSItem("2", "re-s-1800x4", "9009123456", "routing engine 0", "juniper"),
    "CW4318AF0999": LibreNMSItem("5", "srx1500 fpc", "CW4318AF0999", "fpc @ 1/*/*", "juniper"),
    "1A2B3C4D": LibreNMSItem("6", "qsfp-100gbase-sr4", "1A2B3C4D", "xcvr 0", "finisar corp."),
}


def mariadb_available() -> bool:
    try:
        pymysql.connect(**MARIADB, connect_timeout=2).close()
        return True
    except pymysql.MySQLError:
        return False


needs_mariadb = pytest.mark.skipif(not mariadb_available(), reason="MariaDB is not running on 127.0.0.1:3306")


@pytest.fixture(scope="module")
def librenms_db():
    if not mariadb_available():
        pytest.skip("MariaDB is not running on 127.0.0.1:3306")
    with librenms_database(DEVICES, INVENTORY) as db:
        yield db


def test_database_rows_are_normalised(librenms_db):
    raw = read_database(librenms_db)
    data = normalise(raw.devices, raw.inventory)
    assert data.devices == EXPECTED_DEVICES
    assert data.inventory == EXPECTED_INVENTORY


def test_the_database_is_dropped_afterwards():
    if not mariadb_available():
        pytest.skip("MariaDB is not running")
    with librenms_database(DEVICES[:1], []) as db:
        name = db["database"]
        assert name.startswith("wmf_ops_test_librenms_")
    connection = pymysql.connect(**MARIADB)
    with connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES LIKE %s", (name,))
        assert cursor.fetchall() == ()
    connection.close()


@needs_mariadb
def test_unreachable_database_is_one_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SourceError) as raised:
        read_database({"host": "127.0.0.1", "port": port, "user": "x", "password": "hunter2-secret"}, connect_timeout=2)
    text = str(raised.value)
    assert text.startswith(f"LibreNMS database 127.0.0.1:{port}/librenms: cannot connect: (2003)")
    assert "hunter2-secret" not in text and "\n" not in text


def test_wrong_password_never_shows_the_password(librenms_db):
    with pytest.raises(SourceError) as raised:
        read_database({**librenms_db, "user": "librenms_ro", "password": "hunter2-secret"})
    text = str(raised.value)
    assert "cannot connect: (1045) Access denied for user 'librenms_ro'" in text
    assert "hunter2-secret" not in text


def test_missing_table_is_one_line(librenms_db):
    connection = pymysql.connect(**MARIADB, database=librenms_db["database"], autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("RENAME TABLE entPhysical TO entPhysical_old")
    try:
        with pytest.raises(SourceError, match=r"query failed: \(1146\) Table '.*entPhysical' doesn't exist"):
            read_database(librenms_db)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RENAME TABLE entPhysical_old TO entPhysical")
        connection.close()


# --- REST API -------------------------------------------------------------------------------------------------------


def api_rows():
    # The API returns the same columns; older LibreNMS versions send every number as a string.
    return [{k: (str(v) if isinstance(v, int) else v) for k, v in row.items()} for row in DEVICES]


@pytest.fixture
def librenms_api():
    with FakeLibreNMS(TOKEN, api_rows(), INVENTORY) as fake:
        yield fake


def test_api_rows_are_normalised_like_the_database(librenms_api):
    raw = read_api(librenms_api.url, TOKEN, options=FAST)
    data = normalise(raw.devices, raw.inventory)
    assert data.devices == EXPECTED_DEVICES
    assert data.inventory == EXPECTED_INVENTORY
    calls = [r.path for r in librenms_api.requests]
    assert calls[0] == "/api/v0/devices" and librenms_api.requests[0].query == {"type": ["all"]}
    assert sorted(calls[1:]) == sorted(f"/api/v0/inventory/{d['device_id']}/all" for d in DEVICES)
    assert all(r.headers["X-Auth-Token"] == TOKEN for r in librenms_api.requests)


@pytest.mark.parametrize(
    ("path", "status", "body", "expected"),
    [
        (
            "/api/v0/devices",
            401,
            None,
            "LibreNMS API devices: 127.0.0.1:{port} answered HTTP 401: Injected failure 401",
        ),
        ("/api/v0/devices", 500, "<h1>Whoops</h1>", "LibreNMS API devices: 127.0.0.1:{port} answered HTTP 500"),
        ("/api/v0/devices", 200, "{not json", "LibreNMS API devices: 127.0.0.1:{port} answered malformed JSON"),
        ("/api/v0/devices", 200, '{"status": "error", "message": "nope"}', "LibreNMS API devices: LibreNMS answered"),
        ("/api/v0/devices", 200, '{"status": "ok", "devices": {}}', "'devices' is not a list of objects"),
        (
            "/api/v0/inventory/102",
            503,
            None,
            "LibreNMS API inventory of device 102: 127.0.0.1:{port} answered HTTP 503",
        ),
    ],
)
def test_api_failures_are_one_line(librenms_api, path, status, body, expected):
    librenms_api.fail_with(path, status, body)
    with pytest.raises(SourceError) as raised:
        read_api(librenms_api.url, TOKEN, options=FAST)
    text = str(raised.value)
    assert text.startswith(expected.format(port=librenms_api.url.rsplit(":", 1)[1])) or expected in text, text
    assert TOKEN not in text and "\n" not in text


def test_api_wrong_token(librenms_api):
    with pytest.raises(SourceError, match=r"answered HTTP 401: Unauthenticated\."):
        read_api(librenms_api.url, "wrong-token-value", options=FAST)


def test_api_without_token():
    with pytest.raises(SourceError, match="LibreNMS API: no token configured"):
        read_api("http://127.0.0.1:9", "", options=FAST)
