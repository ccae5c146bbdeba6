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

NetBox keeps copies of those values elsewhere: the search cache (``extras_cachedvalue``, cleared: run
``netbox reindex`` on the copy to rebuild it), job data, logs and errors (report logs quote serials), change-log
representations and snapshots, journal entries, notifications, and any free text (comments, descriptions, custom
fields). So every real value of at least ``MIN_SECRET_LENGTH`` characters is captured before the columns are rewritten
(``capture_secrets``), and every text and JSON column of every table of the copy is scrubbed of them, each occurrence
replaced by the column's new value (``scrub_everywhere``).

Then the copy is verified (``verify_copy``): a sample of real serials, MACs and circuit IDs read from the *source* is
searched for in every text, JSON, array and MAC column of every table of the copy; a hit drops the copy and fails with
an error naming the table and column.
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


# Values shorter than this are not looked for in free text (a 3-character serial would match innocent words); the
# verification samples values of at least VERIFY_MIN_LENGTH characters, all of which the scrub replaced.
MIN_SECRET_LENGTH = 4
VERIFY_MIN_LENGTH = 6
VERIFY_SAMPLE_SIZE = 100  # per kind of value
PLACEHOLDER_PATTERN = "^(SERIAL|CIRCUIT)[0-9]+$"  # what a sanitised copy holds (a copy of a copy is sampled too)

# Where the real values are: (kind, table, value column as text, the column's new value after sanitising).
SECRET_SOURCES: list[tuple[str, str, str, str]] = [
    ("serial", "dcim_device", "serial", "'SERIAL' || id"),
    ("serial", "dcim_module", "serial", "'SERIAL' || id"),
    ("serial", "dcim_inventoryitem", "serial", "'SERIAL' || id"),
    ("serial", "dcim_rack", "serial", "'SERIAL' || id"),
    ("serial", "virtualization_virtualmachine", "serial", "'SERIAL' || id"),
    ("MAC address", "dcim_macaddress", "mac_address::text", "mac_address::text"),
    ("MAC address", "dcim_macaddress", "upper(mac_address::text)", "upper(mac_address::text)"),
    ("circuit ID", "circuits_circuit", "cid", "'CIRCUIT' || id"),
    ("circuit ID", "circuits_virtualcircuit", "cid", "'CIRCUIT' || id"),
]

# The replacement of every captured value found in a text: tokens are split twice (MACs keep their colons; "SN:X1"
# and "X1." still yield "X1"), so the lookup is a hash join on the tokens, linear in the text's length.
SCRUB_FUNCTION = rf"""
CREATE FUNCTION pg_temp.wmf_scrub(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    IF t IS NULL OR length(t) < {MIN_SECRET_LENGTH} THEN RETURN t; END IF;
    FOR r IN
        SELECT s.old, s.new FROM wmf_secrets s
        WHERE s.old IN (
            SELECT regexp_split_to_table(t, '[^A-Za-z0-9:_/+-]+')
            UNION SELECT regexp_split_to_table(t, '[^A-Za-z0-9_-]+')
        )
        ORDER BY length(s.old) DESC
    LOOP
        t := replace(t, r.old, r.new);
    END LOOP;
    RETURN t;
END $$
"""

# Columns the statements above already rewrote (or tables emptied), left out of the free-text scrub.
SCRUB_SKIP = {"extras_cachedvalue", "django_migrations", "django_session", "users_token"}
TEXT_TYPES = ("text", "character varying", "json", "jsonb")


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
    """Run the sanitising statements on ``target`` (never the source: the connection is to ``target``), then scrub
    every copy of the real values and clear the search cache, in one transaction."""
    changed: dict[str, int] = {}
    with server.connect(target) as conn, conn.transaction():
        existing = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        capture_secrets(conn, existing)
        for what, statement in SANITIZE_STATEMENTS + changelog_statements():
            table = statement.split()[1] if statement.startswith("UPDATE") else statement.split()[2]
            if table not in existing:  # e.g. social auth not installed
                continue
            changed[what] = conn.execute(statement).rowcount
        changed.update(scrub_everywhere(conn, existing))
        if "extras_cachedvalue" in existing:
            changed["search cache (cleared; rebuild with `netbox reindex`)"] = conn.execute(
                "DELETE FROM extras_cachedvalue"
            ).rowcount
    return changed


def capture_secrets(conn: psycopg.Connection, existing: set[str]) -> None:
    """The temporary table ``wmf_secrets(old, new)``: every real value (before the rewrite) and its new value, whose
    SQL is evaluated now for the deterministic ones and after the rewrite for MACs (``scrub_everywhere``)."""
    conn.execute("CREATE TEMPORARY TABLE wmf_secrets (old text, new text, source text, id bigint)")
    for _kind, table, value, _new in SECRET_SOURCES:
        if table in existing:
            conn.execute(
                f"INSERT INTO wmf_secrets (old, source, id) SELECT {value}, %s, id FROM {table} "
                f"WHERE length({value}) >= %s",
                [f"{table}:{value}", MIN_SECRET_LENGTH],
            )


def scrub_everywhere(conn: psycopg.Connection, existing: set[str]) -> dict[str, int]:
    """Replace every captured value in every text and JSON column of the copy (and in job log entries)."""
    for _kind, table, value, new in SECRET_SOURCES:
        if table in existing:  # the new value of each captured row, now that the columns are rewritten
            conn.execute(
                f"UPDATE wmf_secrets s SET new = n.v FROM (SELECT id, {new} AS v FROM {table}) n "
                "WHERE s.source = %s AND s.id = n.id",
                [f"{table}:{value}"],
            )
    conn.execute("DELETE FROM wmf_secrets WHERE new IS NULL OR new = old")
    conn.execute(
        "DELETE FROM wmf_secrets a USING wmf_secrets b WHERE a.old = b.old AND a.ctid > b.ctid"
    )  # one replacement per value
    conn.execute("CREATE INDEX ON wmf_secrets (old)")
    conn.execute("ANALYZE wmf_secrets")
    conn.execute(SCRUB_FUNCTION)
    changed: dict[str, int] = {}
    columns = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type = ANY(%s) ORDER BY table_name, ordinal_position",
        [list(TEXT_TYPES)],
    ).fetchall()
    for table, column, data_type in columns:
        if table in SCRUB_SKIP or table not in existing:
            continue
        col = sql.Identifier(column)
        scrubbed = sql.SQL("pg_temp.wmf_scrub({}::text)").format(col)
        if data_type in ("json", "jsonb"):
            scrubbed = sql.SQL("{}::{}").format(scrubbed, sql.SQL(data_type))
        statement = sql.SQL(
            "UPDATE {t} SET {c} = x.v FROM (SELECT ctid AS row, {s} AS v FROM {t} WHERE {c} IS NOT NULL) x "
            "WHERE {t}.ctid = x.row AND {t}.{c}::text IS DISTINCT FROM x.v::text"
        ).format(t=sql.Identifier(table), c=col, s=scrubbed)
        count = conn.execute(statement).rowcount
        if count:
            changed[f"copies in {table}.{column}"] = count
    if "core_job" in existing:  # job log entries: an array of JSON documents
        count = conn.execute(
            "UPDATE core_job SET log_entries = x.v FROM ("
            " SELECT j.id, array_agg(pg_temp.wmf_scrub(e::text)::jsonb ORDER BY n) AS v"
            " FROM core_job j, unnest(j.log_entries) WITH ORDINALITY AS u(e, n) GROUP BY j.id"
            ") x WHERE core_job.id = x.id AND core_job.log_entries::text IS DISTINCT FROM x.v::text"
        ).rowcount
        if count:
            changed["copies in core_job.log_entries"] = count
    return changed


@dataclass(frozen=True)
class Leak:
    kind: str
    table: str
    column: str

    def message(self, target: str) -> str:
        return (
            f"the sanitised copy {target} still holds real {self.kind} values in {self.table}.{self.column}; "
            "the copy was dropped"
        )


def sample_secrets(server: Server, source: str) -> dict[str, list[str]]:
    """Up to ``VERIFY_SAMPLE_SIZE`` real values of each kind, read from the source (never modified)."""
    samples: dict[str, list[str]] = {}
    with server.connect(source) as conn:
        existing = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        for kind, table, value, _new in SECRET_SOURCES:
            if table not in existing:
                continue
            rows = conn.execute(
                f"SELECT v FROM (SELECT DISTINCT {value} AS v FROM {table} WHERE length({value}) >= %s "
                f"AND {value} !~ %s) d ORDER BY random() LIMIT %s",
                [VERIFY_MIN_LENGTH, PLACEHOLDER_PATTERN, VERIFY_SAMPLE_SIZE],
            ).fetchall()
            values = samples.setdefault(kind, [])
            values.extend(row[0] for row in rows if row[0] not in values)
    return samples


def find_leaks(server: Server, target: str, samples: Mapping[str, list[str]]) -> list[Leak]:
    """Every (kind, table, column) of ``target`` where a sampled real value occurs: every text, character, JSON,
    array and MAC column of every table is searched (LIKE, case-sensitive; MACs in both cases)."""
    patterns = {
        kind: ["%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for v in values]
        for kind, values in samples.items()
        if values
    }
    leaks: list[Leak] = []
    if not patterns:
        return leaks
    with server.connect(target) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns c "
            "JOIN pg_tables t ON t.schemaname = c.table_schema AND t.tablename = c.table_name "
            "WHERE c.table_schema = 'public' AND (c.data_type = ANY(%s) OR c.data_type = 'ARRAY' "
            "OR c.udt_name IN ('macaddr', 'macaddr8')) ORDER BY 1, 2",
            [list(TEXT_TYPES)],
        ).fetchall()
        for table, column in columns:
            for kind, kind_patterns in patterns.items():
                query = sql.SQL("SELECT 1 FROM {t} WHERE {c}::text LIKE ANY(%s) LIMIT 1").format(
                    t=sql.Identifier(table), c=sql.Identifier(column)
                )
                if conn.execute(query, [kind_patterns]).fetchone():
                    leaks.append(Leak(kind, table, column))
    return leaks


def verify_copy(server: Server, source: str, target: str) -> int:
    """Search the copy for a sample of the source's real values; raise SanitizeError naming where one is found.
    Returns how many values were looked for."""
    samples = sample_secrets(server, source)
    leaks = find_leaks(server, target, samples)
    if leaks:
        raise SanitizeError("; ".join(leak.message(target) for leak in leaks[:5]))
    return sum(len(values) for values in samples.values())


def sanitize_database(
    source: str, target: str, server: Server, replace: bool = False, source_comment: str = ""
) -> SanitizeResult:
    """A sanitised copy of ``source`` as the new database ``target``, marked with a ``netbox-wmf-ops:`` comment."""
    _check_target(server, source, target, replace)
    method = copy_database(server, source, target)
    try:
        changed = sanitize_copy(server, target)
        changed["real values looked for in the copy (none found)"] = verify_copy(server, source, target)
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
