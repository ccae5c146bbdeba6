"""MoveServer, MoveServersUplinks and MoveSpecificUplinks (docs/behaviour-reference.md §2.6): move a server to another
switch port and
rack unit, or move servers' uplinks to another top-of-rack switch. The logic lives in
``netbox_wmf_ops.lifecycle.move``."""

from dcim.models import Device, Site
from extras.scripts import ChoiceVar, MultiObjectVar, ObjectVar, Script, StringVar
from utilities.exceptions import AbortScript

from netbox_wmf_ops import policy
from netbox_wmf_ops.lifecycle.common import TOR_ROLES, device_name, format_logs, script_log
from netbox_wmf_ops.lifecycle.move import (
    NEW_SWITCH_STATUSES,
    POSITION_CHOICES,
    UPLINK_SWITCH_STATUSES,
    apply_move_server,
    check_move_server,
    move_uplinks,
    servers_in_rack_of,
)


class MoveServer(Script):
    """Move a server to a new switch port and rack unit within the same row, keeping its VLAN and IPs."""

    class Meta:
        name = "Move a server within the same row"
        description = "More exactly: keep the same vlan and IP."
        commit_default = False
        scheduling_enabled = False

    device = ObjectVar(model=Device, query_params={"role": policy.SERVER_ROLE}, description="Server. (Required)")
    z_nbdevice = ObjectVar(
        model=Device,
        label="New switch",
        required=False,
        query_params={"role": list(TOR_ROLES), "status": list(NEW_SWITCH_STATUSES)},
    )
    z_iface = StringVar(label="Switch interface")
    position = ChoiceVar(
        choices=POSITION_CHOICES,
        label="New rack unit",
        description="Rack will be the same as the new top of rack switch.",
    )
    cable_id = StringVar(label="Cable ID", required=False)

    def run(self, data, commit):
        self.log_info(f"Called with parameters: {data}")
        plan = check_move_server(
            data.get("device"),
            data.get("z_nbdevice"),
            (data.get("z_iface") or "").strip(),
            data.get("position"),
            data.get("cable_id") or "",
        )
        apply_move_server(plan, script_log(self))
        self.log_success("1 server moved")
        return format_logs(self.messages)


class MoveServersUplinks(Script):
    """Move the uplinks of every active, tenant-less server in the new switch's rack to the new switch."""

    class Meta:
        name = "Move all the servers' uplinks from old to new ToR."
        description = (
            "Moves every active server without tenant in the new switch's rack to the same port number on the new "
            "switch (accounting for vendor numbers starting at 0 or 1)."
        )
        commit_default = False
        scheduling_enabled = False

    new_switch = ObjectVar(model=Device, query_params={"role": list(TOR_ROLES), "status": list(UPLINK_SWITCH_STATUSES)})

    def run(self, data, commit):
        switch = data.get("new_switch")
        if switch is None:
            raise AbortScript("No new switch given, skipping.")
        if switch.role.slug not in TOR_ROLES or switch.status not in UPLINK_SWITCH_STATUSES:
            raise AbortScript(
                f"{device_name(switch)}: role {switch.role.slug} and status {switch.status}, expected a top-of-rack "
                f"switch ({', '.join(TOR_ROLES)}) that is {', '.join(UPLINK_SWITCH_STATUSES)}."
            )
        if not switch.rack_id:
            raise AbortScript(f"{device_name(switch)}: not in a rack, skipping.")
        servers = servers_in_rack_of(switch)
        moved, _refused = move_uplinks(servers, script_log(self), new_switch=switch)
        self.log_success(f"{moved} uplinks moved")
        return format_logs(self.messages)


class MoveSpecificUplinks(Script):
    """Move the uplinks of the chosen servers to the other top-of-rack switch of their switch's rack."""

    class Meta:
        name = "Move specific servers' uplinks from old to new ToR"
        description = "Assumes same port numbers can be used, accounting for vendor numbers starting at 0 or 1"
        commit_default = False
        scheduling_enabled = False

    site = ObjectVar(model=Site)
    servers = MultiObjectVar(
        model=Device, query_params={"site_id": "$site", "status": "active", "role": policy.SERVER_ROLE}
    )

    def run(self, data, commit):
        servers = list(data.get("servers") or [])
        if not servers:
            raise AbortScript("No server given, skipping.")
        site = data.get("site")
        wrong = [s for s in servers if site is not None and s.site_id != site.pk]
        for server in wrong:
            self.log_failure(f"{device_name(server)}: not in site {site}, skipping.", server)
        chosen = [s for s in servers if s not in wrong]
        moved, _refused = move_uplinks(sorted(chosen, key=lambda s: s.name or ""), script_log(self))
        self.log_success(f"{moved} uplinks moved")
        return format_logs(self.messages)
