"""MoveServer, MoveServersUplinks and MoveSpecificUplinks (docs/behaviour-reference.md §2.6): move a server to another
switch port and rack unit, or move servers' uplinks to another top-of-rack switch. The logic lives in
``netbox_wmf_ops.lifecycle.move``."""

from dcim.models import Device, Site
from extras.scripts import ChoiceVar, MultiObjectVar, ObjectVar, StringVar

from netbox_wmf_ops import policy
from netbox_wmf_ops.lifecycle.common import device_name
from netbox_wmf_ops.lifecycle.move import (
    apply_move_server,
    check_move_server,
    check_uplink_switch,
    move_uplinks,
    servers_in_rack_of,
)
from netbox_wmf_ops.lifecycle.planning.move import NEW_SWITCH_STATUSES, POSITION_CHOICES, UPLINK_SWITCH_STATUSES
from netbox_wmf_ops.lifecycle.planning.provision import NO_SERVER
from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.switch_ports import TOR_ROLES
from netbox_wmf_ops.scripting import LifecycleScript


class MoveServer(LifecycleScript):
    """Move a server to a new switch port and rack unit within the same row, keeping its VLAN and IPs."""

    class Meta(LifecycleScript.Meta):
        name = "Move a server within the same row"
        description = "More exactly: keep the same vlan and IP."

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

    def perform(self, data):
        self.log_info(f"Called with parameters: {data}")
        plan = check_move_server(
            data.get("device"),
            data.get("z_nbdevice"),
            (data.get("z_iface") or "").strip(),
            data.get("position"),
            data.get("cable_id") or "",
        )
        apply_move_server(plan, self.service_log())
        self.log_success("1 server moved")
        return self.job_output()


class MoveServersUplinks(LifecycleScript):
    """Move the uplinks of every active, tenant-less server in the new switch's rack to the new switch."""

    class Meta(LifecycleScript.Meta):
        name = "Move all the servers' uplinks from old to new ToR."
        description = (
            "Moves every active server without tenant in the new switch's rack to the same port number on the new "
            "switch (accounting for vendor numbers starting at 0 or 1)."
        )

    new_switch = ObjectVar(model=Device, query_params={"role": list(TOR_ROLES), "status": list(UPLINK_SWITCH_STATUSES)})

    def perform(self, data):
        switch = check_uplink_switch(data.get("new_switch"))
        servers = servers_in_rack_of(switch)
        moved, _refused = move_uplinks(servers, self.service_log(), new_switch=switch)
        self.log_success(f"{moved} uplinks moved")
        return self.job_output()


class MoveSpecificUplinks(LifecycleScript):
    """Move the uplinks of the chosen servers to the other top-of-rack switch of their switch's rack."""

    class Meta(LifecycleScript.Meta):
        name = "Move specific servers' uplinks from old to new ToR"
        description = "Assumes same port numbers can be used, accounting for vendor numbers starting at 0 or 1"

    site = ObjectVar(model=Site)
    servers = MultiObjectVar(
        model=Device, query_params={"site_id": "$site", "status": "active", "role": policy.SERVER_ROLE}
    )

    def perform(self, data):
        servers = list(data.get("servers") or [])
        if not servers:
            raise Refused(NO_SERVER)
        site = data.get("site")
        wrong = [s for s in servers if site is not None and s.site_id != site.pk]
        for server in wrong:
            self.log_failure(f"{device_name(server)}: not in site {site}, skipping.", server)
        chosen = [s for s in servers if s not in wrong]
        moved, _refused = move_uplinks(sorted(chosen, key=lambda s: s.name or ""), self.service_log())
        self.log_success(f"{moved} uplinks moved")
        return self.job_output()
