"""A sanitised copy of the NetBox database for test environments (``netbox wmf_ops_sanitize``).

The source database is only ever read: the copy is made by PostgreSQL (``CREATE DATABASE ... TEMPLATE`` when nobody
is connected to the source, else ``pg_dump | pg_restore``), and every change runs on the copy, through a connection
to the copy. The target must not be the source and must not exist (or be a copy we made earlier, with ``replace``).
A dump file is made by sanitising into a scratch database, ``pg_dump -Fc`` of it, then dropping the scratch.

What is changed (NetBox 4.7 schema), see ``SANITIZE_STATEMENTS``: serial numbers → ``SERIAL<id>``; MAC addresses →
random locally administered addresses; circuit IDs → ``CIRCUIT<id>``; passwords made unusable; API tokens, sessions
and social-auth data deleted; webhook secrets and headers, data source credentials, FHRP auth keys, Wi-Fi PSKs and
IKE pre-shared keys blanked; the same fields scrubbed in the change log, and change-log entries of users and tokens
deleted.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

MARK = "netbox-wmf-ops:sanitized"

# A locally administered unicast MAC: 02 followed by 5 random bytes.
RANDOM_MAC_SQL = "('02' || substr(md5(random()::text || id::text), 1, 10))::macaddr"

SANITIZE_STATEMENTS: list[tuple[str, str]] = [
    ("device serials", "UPDATE dcim_device SET serial = 'SERIAL' || id WHERE serial <> ''"),
    ("module serials", "UPDATE dcim_module SET serial = 'SERIAL' || id WHERE serial <> ''"),
    ("inventory item serials", "UPDATE dcim_inventoryitem SET serial = 'SERIAL' || id WHERE serial <> ''"),
    ("rack serials", "UPDATE dcim_rack SET serial = 'SERIAL' || id WHERE serial <> ''"),
    ("VM serials", "UPDATE virtualization_virtualmachine SET serial = 'SERIAL' || id WHERE serial <> ''"),
    ("MAC addresses", f"UPDATE dcim_macaddress SET mac_address = {RANDOM_MAC_SQL}"),
    ("circuit IDs", "UPDATE circuits_circuit SET cid = 'CIRCUIT' || id"),
    ("virtual circuit IDs", "UPDATE circuits_virtualcircuit SET cid = 'CIRCUIT' || id"),
    ("passwords", "UPDATE users_user SET password = '!' || md5(random()::text)"),  # '!' prefix: unusable
    ("API tokens", "DELETE FROM users_token"),
    ("sessions", "DELETE FROM django_session"),
    ("social auth accounts", "DELETE FROM social_auth_usersocialauth"),
    ("social auth associations", "DELETE FROM social_auth_association"),
    ("social auth nonces", "DELETE FROM social_auth_nonce"),
    ("social auth codes", "DELETE FROM social_auth_code"),
    ("social auth partials", "DELETE FROM social_auth_partial"),
    ("webhook secrets", "UPDATE extras_webhook SET secret = '', additional_headers = ''"),
    (
        "data source credentials",
        "UPDATE core_datasource SET parameters = parameters - 'username' - 'password' - 'aws_access_key_id'"
        " - 'aws_secret_access_key', source_url = regexp_replace(source_url, '//[^/@]*@', '//')",
    ),
    ("FHRP auth keys", "UPDATE ipam_fhrpgroup SET auth_key = ''"),
    ("Wi-Fi LAN PSKs", "UPDATE wireless_wirelesslan SET auth_psk = ''"),
    ("Wi-Fi link PSKs", "UPDATE wireless_wirelesslink SET auth_psk = ''"),
    ("IKE pre-shared keys", "UPDATE vpn_ikepolicy SET preshared_key = ''"),
    (
        "change log of users and tokens",
        "DELETE FROM core_objectchange WHERE changed_object_type_id IN "
        "(SELECT id FROM django_content_type WHERE app_label = 'users')",
    ),
]

# The same fields inside change-log snapshots: key -> SQL for its new value (the row's object id is available).
CHANGELOG_KEYS: dict[str, str] = {
    "serial": "to_jsonb('SERIAL' || changed_object_id)",
    "cid": "to_jsonb('CIRCUIT' || changed_object_id)",
    "mac_address": "to_jsonb(('02' || substr(md5(random()::text || id::text), 1, 10))::macaddr::text)",
    "secret": "to_jsonb(''::text)",
    "additional_headers": "to_jsonb(''::text)",
    "auth_key": "to_jsonb(''::text)",
    "auth_psk": "to_jsonb(''::text)",
    "preshared_key": "to_jsonb(''::text)",
    "parameters": "'{}'::jsonb",
}


def changelog_statements() -> list[tuple[str, str]]:
    statements = []
    for key, value in CHANGELOG_KEYS.items():
        for column in ("prechange_data", "postchange_data"):
            statements.append(
                (
                    f"change log {key} ({column})",
                    f"UPDATE core_objectchange SET {column} = jsonb_set({column}, '{{{key}}}', {value}) "
                    f"WHERE {column} ? '{key}' AND {column} ->> '{key}' IS NOT NULL AND {column} ->> '{key}' <> ''",
                )
            )
    return statements


class SanitizeError(Exception):
    pass


@dataclass
class SanitizeResult:
    database: str | None
    dump_file: Path | None
    method: str  # "template" or "pg_dump"
    changed: dict[str, int] = field(default_factory=dict)  # what -> rows changed

    def summary(self) -> str:
        where = self.dump_file or self.database
        return f"{sum(self.changed.values())} values sanitised in {where} (copied with {self.method})"


@dataclass(frozen=True)
class Server:
    """Connection parameters of the PostgreSQL server (from DATABASES['default'])."""

    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_django(cls, db: Mapping[str, Any]) -> Server:
        return cls(
            db.get("HOST") or "localhost", int(db.get("PORT") or 5432), db.get("USER") or "", db.get("PASSWORD") or ""
        )

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=dbname, autocommit=True
        )

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }


def database_comment(server: Server, name: str) -> str | None:
    """The comment of database ``name``; None when it does not exist ('' when it has none)."""
    with server.connect("postgres") as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return None if row is None else row[0]


def _check_target(server: Server, source: str, target: str, replace: bool) -> None:
    if target == source:
        raise SanitizeError(f"refusing to write into the source database {source!r}")
    comment = database_comment(server, target)
    if comment is None:
        return
    if not replace:
        raise SanitizeError(f"database {target!r} exists; pass --replace to overwrite a sanitised copy")
    if not comment.startswith(MARK):
        raise SanitizeError(f"database {target!r} exists and is not a sanitised copy ({comment!r}); refusing")
    with server.connect("postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target)))


def copy_database(server: Server, source: str, target: str) -> str:
    """Create ``target`` as a copy of ``source``: TEMPLATE when possible (fast), else pg_dump | pg_restore."""
    with server.connect("postgres") as conn:
        try:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source))
            )
            method = "template"
        except psycopg.errors.ObjectInUse:  # somebody (NetBox itself) is connected to the source
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
            method = "pg_dump"
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(target), sql.Literal(f"{MARK} copying from {source}")
            )
        )
    if method == "pg_dump":
        dump = subprocess.Popen(["pg_dump", "-Fc", "--no-owner", source], stdout=subprocess.PIPE, env=server.env())
        restore = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", target],
            stdin=dump.stdout,
            env=server.env(),
            capture_output=True,
            text=True,
        )
        dump.stdout.close()
        if dump.wait() != 0 or restore.returncode != 0:
            raise SanitizeError(f"copying {source} to {target} failed: {restore.stderr.strip()[-2000:]}")
    return method


def sanitize_copy(server: Server, target: str) -> dict[str, int]:
    """Run the sanitising statements on ``target`` (never the source: the connection is to ``target``)."""
    changed: dict[str, int] = {}
    with server.connect(target) as conn, conn.transaction():
        existing = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        for what, statement in SANITIZE_STATEMENTS + changelog_statements():
            table = statement.split()[1] if statement.startswith("UPDATE") else statement.split()[2]
            if table not in existing:  # e.g. social auth not installed
                continue
            changed[what] = conn.execute(statement).rowcount
    return changed


def sanitize_database(
    source: str, target: str, server: Server, replace: bool = False, source_comment: str = ""
) -> SanitizeResult:
    """A sanitised copy of ``source`` as the new database ``target``, marked with a ``netbox-wmf-ops:`` comment."""
    _check_target(server, source, target, replace)
    method = copy_database(server, source, target)
    try:
        changed = sanitize_copy(server, target)
    except BaseException:
        drop_database(server, target)
        raise
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with server.connect("postgres") as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(target), sql.Literal(f"{MARK} from {source} at {stamp}{source_comment}")
            )
        )
    return SanitizeResult(target, None, method, changed)


def drop_database(server: Server, name: str) -> None:
    """Drop a database only if it carries our sanitised-copy mark."""
    comment = database_comment(server, name)
    if comment is None:
        return
    if not comment.startswith(MARK):
        raise SanitizeError(f"refusing to drop {name!r}: not a sanitised copy")
    with server.connect("postgres") as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def sanitize_to_file(source: str, dump_file: Path, server: Server) -> SanitizeResult:
    """A sanitised ``pg_dump -Fc`` file of ``source``, via a scratch database that is dropped afterwards."""
    dump_file = Path(dump_file)
    if dump_file.exists():
        raise SanitizeError(f"{dump_file} exists; refusing to overwrite it")
    scratch = f"wmf_ops_sanitize_{uuid.uuid4().hex[:12]}"
    result = sanitize_database(source, scratch, server)
    try:
        with tempfile.NamedTemporaryFile(dir=dump_file.parent, prefix=".sanitize-", delete=False) as tmp:
            temp_path = Path(tmp.name)
        done = subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "-f", str(temp_path), scratch],
            env=server.env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            temp_path.unlink(missing_ok=True)
            raise SanitizeError(f"pg_dump of the sanitised copy failed: {done.stderr.strip()[-2000:]}")
        os.replace(temp_path, dump_file)
    finally:
        drop_database(server, scratch)
    return SanitizeResult(None, dump_file, result.method, result.changed)
