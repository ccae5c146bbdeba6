"""Databases the tooling owns: each carries a `netbox-wmf-ops:` comment (its mark); the tooling never drops a
database without it."""

from __future__ import annotations

from .common import MARK, SetupError
from .services import Services, psql, quote_literal


def database_mark(services: Services, name: str) -> str | None:
    """The comment of database `name` ('' when it has none), or None when it does not exist."""
    out = psql(
        services,
        "postgres",
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') || '|' FROM pg_database "
        f"WHERE datname = {quote_literal(name)}",
    )
    return out[:-1] if out else None


def create_database(services: Services, name: str, mark: str, template: str | None = None) -> None:
    tmpl = f' TEMPLATE "{template}"' if template else ""
    psql(services, "postgres", f'CREATE DATABASE "{name}"{tmpl}')
    set_mark(services, name, mark)


def set_mark(services: Services, name: str, mark: str) -> None:
    psql(services, "postgres", f'COMMENT ON DATABASE "{name}" IS {quote_literal(MARK + mark)}')


def drop_own_database(services: Services, name: str, force: bool = True) -> None:
    """Drop `name` only if this tool created it (its comment carries the mark). ``force`` ends the sessions still
    connected to it; without it, a database in use is kept (the drop fails)."""
    mark = database_mark(services, name)
    if mark is None:
        return
    if not mark.startswith(MARK):
        raise SetupError(f"database {name!r} exists but was not created by netbox-wmf-ops; refusing to drop it")
    psql(services, "postgres", f'DROP DATABASE "{name}"' + (" WITH (FORCE)" if force else ""))
