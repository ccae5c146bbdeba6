"""The plan: the writes (``Change``) and log lines that make NetBox match the facts, in the order they are applied."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ...logs import LogLine

Level = Literal["success", "info", "warning", "failure", "debug"]

# Bookkeeping the applier reads (whose interface or primary IP a change is about), not a field the operator changes.
UNSHOWN_FIELDS = ("owner_kind", "owner_id")


@dataclass(frozen=True)
class Change:
    """One write. ``model`` is interface | ipaddress | cable | device; ``key`` identifies the object:

    * interface: ``PortRef`` (owner = the host or a switch); for a rename, the old name; ``owner_kind`` in fields
      of a create;
    * ipaddress: the IP's pk (update) or None (create; ``fields['address']``);
    * cable: the cable's pk (update/delete) or None (create);
    * device: the device/VM name (``fields`` has ``primary_ip4``/``primary_ip6`` as an address or None).

    Interface relations (parent, bridge, lag) are interface names on the same owner; VLANs are VLAN pks;
    ``assigned`` and cable ends are ``PortRef``.
    """

    action: Literal["create", "update", "delete"]
    model: Literal["interface", "ipaddress", "cable", "device"]
    key: Any
    fields: Mapping[str, Any]
    message: str
    level: Level = "info"
    before: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the dry-run plan: ``update interface db1001:eno1: mtu None → 9000``."""
        target = self.fields.get("address") if self.model == "ipaddress" and self.key is None else self.key
        if self.model == "ipaddress" and self.key is not None:
            target = self.before.get("address", self.key)
        if self.model == "cable" and self.action == "create":
            target = f"{self.fields['a']} ↔ {self.fields['b']}"
        if self.action == "delete":
            return f"delete {self.model} {target}"
        shown = {k: v for k, v in self.fields.items() if k not in UNSHOWN_FIELDS}
        if self.action == "create":
            details = ", ".join(f"{k}={_show(v)}" for k, v in shown.items() if k not in ("a", "b", "address"))
            return f"create {self.model} {target}" + (f": {details}" if details else "")
        details = ", ".join(f"{k} {_show(self.before.get(k))} → {_show(v)}" for k, v in shown.items())
        return f"update {self.model} {target}: {details}"


@dataclass
class Plan:
    host: str
    kind: Literal["device", "vm"]
    entries: list[Change | LogLine] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [e for e in self.entries if isinstance(e, Change)]

    @property
    def failures(self) -> list[str]:
        return [e.message for e in self.entries if isinstance(e, LogLine) and e.level == "failure"]

    def lines(self, level: Level) -> list[str]:
        return [e.message for e in self.entries if e.level == level]

    def describe(self) -> list[str]:
        return [c.describe() for c in self.changes]


def _show(value: Any) -> str:
    if isinstance(value, frozenset | set | tuple | list):
        return "[" + ", ".join(str(v) for v in sorted(value, key=str)) + "]"
    return str(value)
