"""Provisioning's placeholder interfaces take the facts' names (``planning.placeholders``)."""

from __future__ import annotations

from .helpers import (
    CableRecord,
    PortRef,
    by_key,
    changes,
    default_switches,
    iface,
    one,
    plan,
    provisioned_single_nic,
    replace,
    state,
)


def test_single_nic_provisioned_host_renames_the_placeholder():
    p = plan("single_nic", provisioned_single_nic())
    rename = one(by_key(p, "interface", PortRef("db1201", "##PRIMARY##")))
    assert rename.fields == {"name": "eno1np0", "type": "10gbase-x-sfpp"}
    assert rename.message == "db1201: renamed ##PRIMARY## interface to eno1np0"
    assert rename.level == "success"
    # The renamed interface then gets its MAC; eno2np1 is new; mgmt is left alone.
    assert one(by_key(p, "interface", PortRef("db1201", "eno1np0"))).fields == {"mac_address": "b4:96:91:5a:10:20"}
    assert [c.key.name for c in changes(p, "interface", "create")] == ["eno2np1"]
    # Only the provisioning marker is cleared from the IP; it already sits on the (renamed) interface.
    assert one(changes(p, "ipaddress")).fields == {"description": ""}
    assert changes(p, "device") == [] and changes(p, "cable") == []
    assert "10.64.16.20/22 is already primary for db1201" in p.lines("info")
    assert "db1201.eqiad.wmnet assign_name: 10.64.16.20/22 already has correct DNS name." in p.lines("info")
    assert p.failures == []


def test_vm_placeholder_is_renamed():
    st = state("etcd1007", kind="vm", interfaces={"##PRIMARY##": iface(5, "##PRIMARY##")})
    rename = one(by_key(plan("vm", st), "interface", PortRef("etcd1007", "##PRIMARY##")))
    assert rename.fields == {"name": "ens13"}


def test_placeholder_rename_refused_when_the_target_exists():
    st = state("db1201", interfaces={"##PRIMARY##": iface(1, "##PRIMARY##"), "eno1np0": iface(2, "eno1np0")})
    p = plan("single_nic", st)
    assert p.failures[0] == (
        "db1201: cannot rename ##PRIMARY## to eno1np0: an interface with that name exists; merge them by hand"
    )
    assert by_key(p, "interface", PortRef("db1201", "##PRIMARY##")) == []


def test_dual_switch_bond_members_take_the_names_lldp_gives_their_switch_ports():
    """PRIMARY_A/PRIMARY_B, as ProvisionFundraisingServerNetwork leaves them (docs/behaviour-reference.md §2.5), are
    renamed after the fact
    interface whose LLDP neighbour is the switch port at the other end of their cable: their cables are kept."""
    ports = {"et-0/0/20": {"type": "25gbase-x-sfp28", "mtu": 9192, "cable_id": 0}}
    switches = default_switches(**{"lsw1-e1-eqiad": ports, "lsw1-e2-eqiad": ports})
    switches = tuple(
        replace(
            s,
            interfaces={
                n: replace(i, cable_id=700 + k, link_peer=PortRef("cephosd1040", f"PRIMARY_{'AB'[k]}"))
                for n, i in s.interfaces.items()
            },
        )
        if s.name.startswith("lsw1-e")
        else s
        for k, s in [(0 if s.name == "lsw1-e1-eqiad" else 1, s) for s in switches]
    )
    members = {
        f"PRIMARY_{letter}": iface(
            10 + k,
            f"PRIMARY_{letter}",
            type="10gbase-x-sfpp",
            lag="bond0",
            cable_id=700 + k,
            link_peer=PortRef(sw, "et-0/0/20"),
            connected=PortRef(sw, "et-0/0/20"),
        )
        for k, (letter, sw) in enumerate((("A", "lsw1-e1-eqiad"), ("B", "lsw1-e2-eqiad")))
    }
    st = state(
        "cephosd1040",
        interfaces={"bond0": iface(9, "bond0", type="lag"), **members},
        switches=switches,
        cables={700: CableRecord(700, "240101"), 701: CableRecord(701, "240102")},
    )
    p = plan("bonded", st)
    renames = {c.key.name: c.fields for c in changes(p, "interface", "update") if c.fields.get("name")}
    assert renames == {
        "PRIMARY_A": {"name": "enp175s0f0np0", "type": "25gbase-x-sfp28"},
        "PRIMARY_B": {"name": "enp175s0f1np1", "type": "25gbase-x-sfp28"},
    }
    assert changes(p, "cable") == []  # the provisioned cables stay
    assert changes(p, "interface", "delete") == []
    assert p.failures == []
