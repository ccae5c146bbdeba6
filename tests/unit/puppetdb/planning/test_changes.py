"""The plan's changes as the dry run shows them (``planning.changes``)."""

from __future__ import annotations

from netbox_wmf_ops.puppetdb.planning.changes import Change

from .helpers import plan, provisioned_single_nic


def test_describe_lines_name_every_change():
    lines = plan("single_nic", provisioned_single_nic()).describe()
    assert (
        lines[0] == "update interface db1201:##PRIMARY##: name ##PRIMARY## → eno1np0, type 1000base-t → 10gbase-x-sfpp"
    )
    assert (
        "create interface db1201:eno2np1: type=1000base-t, mgmt_only=False, " + ("mac_address=b4:96:91:5a:10:21")
        in lines
    )
    assert "update ipaddress 10.64.16.20/22: description reserved for infra → " in lines


def test_describe_lines_leave_out_the_appliers_bookkeeping():
    fields = {"primary_ip4": "10.64.0.15/22", "owner_kind": "device", "owner_id": None}
    change = Change("update", "device", "kubernetes1004", fields, "", before={"primary_ip4": None})
    assert change.describe() == "update device kubernetes1004: primary_ip4 None → 10.64.0.15/22"
