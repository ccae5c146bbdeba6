"""LibreNMS readers: its MySQL/MariaDB database (tables ``devices`` and ``entPhysical``) or, when only the web front
is reachable, its REST API v0. Both return raw rows keyed by LibreNMS's own column names; the normalisation rules
live in ``checks.librenms`` so the two paths cannot drift apart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from . import SourceError, one_line, redact
from .http import HttpOptions, new_session, request_json

DEVICE_COLUMNS = ("device_id", "hostname", "hardware", "sysDescr", "serial", "ignore")
INVENTORY_COLUMNS = (
    "entPhysical_id",
    "device_id",
    "entPhysicalDescr",
    "entPhysicalName",
    "entPhysicalVendorType",
    "entPhysicalMfgName",
    "entPhysicalSerialNum",
)

# The filters of the original queries (docs/behaviour-reference.md §1.4), applied in SQL to keep the transfer small and
# again in Python.
DEVICES_SQL = (
    "SELECT device_id, hostname, hardware, sysDescr, serial, `ignore` FROM devices "
    "WHERE serial IS NOT NULL AND serial NOT IN ('', 'N/A') AND `ignore` = 0"
)
INVENTORY_SQL = (
    "SELECT entPhysical_id, device_id, entPhysicalDescr, entPhysicalName, entPhysicalVendorType, entPhysicalMfgName, "
    "entPhysicalSerialNum FROM entPhysical "
    "WHERE entPhysicalSerialNum IS NOT NULL AND entPhysicalSerialNum NOT IN ('', 'BUILTIN')"
)


@dataclass(frozen=True)
class RawLibreNMS:
    devices: list[dict[str, Any]]
    inventory: list[dict[str, Any]]


def read_database(db: Mapping[str, Any], *, connect_timeout: float = 5, read_timeout: float = 60) -> RawLibreNMS:
    """Read both tables over one connection. ``db``: host, port, user, password, database, optional ssl_ca."""
    import pymysql

    password = str(db.get("password") or "")
    where = f"{db.get('host', '127.0.0.1')}:{db.get('port', 3306)}/{db.get('database', 'librenms')}"
    ssl = {"ca": db["ssl_ca"]} if db.get("ssl_ca") else None
    try:
        connection = pymysql.connect(
            host=str(db.get("host", "127.0.0.1")),
            port=int(db.get("port", 3306)),
            user=str(db.get("user", "")),
            password=password,
            database=str(db.get("database", "librenms")),
            connect_timeout=max(1, round(connect_timeout)),
            read_timeout=max(1, round(read_timeout)),
            ssl=ssl,
            charset="utf8mb4",
            cursorclass=pymysql.cursors.DictCursor,
        )
    except pymysql.MySQLError as error:
        raise SourceError(
            redact(f"LibreNMS database {where}: cannot connect: {_mysql_reason(error)}", [password])
        ) from None
    try:
        with connection.cursor() as cursor:
            cursor.execute(DEVICES_SQL)
            devices = list(cursor.fetchall())
            cursor.execute(INVENTORY_SQL)
            inventory = list(cursor.fetchall())
    except pymysql.MySQLError as error:
        raise SourceError(
            redact(f"LibreNMS database {where}: query failed: {_mysql_reason(error)}", [password])
        ) from None
    finally:
        connection.close()
    return RawLibreNMS(devices, inventory)


def _mysql_reason(error: Exception) -> str:
    args = getattr(error, "args", ())
    if len(args) >= 2:
        return one_line(f"({args[0]}) {args[1]}", 200)
    return one_line(str(error) or type(error).__name__, 200)


def read_api(base_url: str, token: str, *, options: HttpOptions) -> RawLibreNMS:
    """Read devices from ``/api/v0/devices`` and each device's flattened inventory from
    ``/api/v0/inventory/{device_id}/all`` (the API has no fleet-wide inventory call: one request per device)."""
    if not token:
        raise SourceError("LibreNMS API: no token configured")
    base = base_url.rstrip("/")
    options = HttpOptions(
        options.connect_timeout, options.read_timeout, options.verify, options.proxies, (*options.secrets, token)
    )
    session = new_session()
    session.headers["X-Auth-Token"] = token
    body = request_json(
        session, "GET", f"{base}/api/v0/devices", what="LibreNMS API devices", options=options, params={"type": "all"}
    )
    devices = _api_list(body, "devices", "LibreNMS API devices")
    inventory: list[dict[str, Any]] = []
    for device in devices:
        device_id = device.get("device_id")
        if device_id in (None, ""):
            raise SourceError("LibreNMS API devices: a device has no device_id")
        url = f"{base}/api/v0/inventory/{quote(str(device_id), safe='')}/all"
        try:
            body = request_json(
                session, "GET", url, what=f"LibreNMS API inventory of device {device_id}", options=options
            )
        except SourceError as error:
            if " answered HTTP 404" in str(error):  # LibreNMS answers 404 for a device without inventory
                continue
            raise
        inventory.extend(_api_list(body, "inventory", f"LibreNMS API inventory of device {device_id}"))
    return RawLibreNMS(devices, inventory)


def _api_list(body: Any, key: str, what: str) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        raise SourceError(f"{what}: answer is not a JSON object")
    if body.get("status") != "ok":
        message = body.get("message") or body.get("status") or "no status"
        raise SourceError(f"{what}: LibreNMS answered {one_line(str(message), 160)!r}")
    rows = body.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise SourceError(f"{what}: {key!r} is not a list of objects")
    return rows
