"""The removal guard for interfaces gone from the facts (``planning.removals``)."""

from __future__ import annotations

from .helpers import (
    GUARD,
    PortRef,
    after_first_import,
    assigned_to,
    changes,
    iface,
    ip,
    one,
    plan,
    replace,
    state,
)


def test_lost_interface_with_an_ip_is_kept_with_one_failure():
    st = after_first_import()
    st = replace(
        st,
        interfaces={**st.interfaces, "eno2np1": replace(st.interfaces["eno2np1"], ip_ids=(20,))},
        ips=(*st.ips, ip(20, "10.64.16.99/22", **assigned_to("eno2np1"))),
    )
    p = plan("single_nic_lost_eno2", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno2np1")]
    assert changes(p, "interface", "delete") == [] and changes(p, "ipaddress") == []


def test_lost_interface_with_a_cable_is_kept():
    st = after_first_import()
    st = replace(st, interfaces={**st.interfaces, "eno2np1": replace(st.interfaces["eno2np1"], cable_id=501)})
    p = plan("single_nic_lost_eno2", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno2np1")]
    assert changes(p, "interface", "delete") == []


def test_lost_interface_without_ip_or_cable_is_removed():
    p = plan("single_nic_lost_eno2", after_first_import())
    delete = one(changes(p, "interface", "delete"))
    assert delete.key == PortRef("db1201", "eno2np1")
    assert delete.message == "db1201: removing interface no longer in puppet eno2np1"
    assert p.failures == []


def test_lost_child_interface_goes_through_the_guard_too():
    st = after_first_import()
    child = iface(7, "eno1np0.2001", type="virtual", parent="eno1np0", ip_ids=(21,))
    st = replace(
        st,
        interfaces={**st.interfaces, child.name: child},
        ips=(*st.ips, ip(21, "10.64.16.77/22", **assigned_to(child.name))),
    )
    p = plan("single_nic", st)
    assert p.failures == [GUARD.format(host="db1201", name="eno1np0.2001")]
    assert changes(p, "interface", "delete") == []


def test_interface_whose_ip_moves_to_a_new_interface_is_removed_in_the_same_run():
    # The NIC was renamed by the kernel: NetBox has eth0 with the IPs, the facts have eno1np0.
    st = after_first_import()
    old = replace(st.interfaces["eno1np0"], name="eth0", cable_id=None, connected=None)
    st = replace(
        st,
        interfaces={"eth0": old, "eno2np1": st.interfaces["eno2np1"]},
        ips=tuple(replace(i, assigned=PortRef("db1201", "eth0")) for i in st.ips),
        cables={},
    )
    p = plan("single_nic", st)
    assert [c.key.name for c in changes(p, "interface", "delete")] == ["eth0"]
    moved = changes(p, "ipaddress", "update")
    assert {c.fields["assigned"] for c in moved} == {PortRef("db1201", "eno1np0")}
    assert p.entries.index(moved[-1]) < p.entries.index(one(changes(p, "interface", "delete")))
    assert p.failures == []


def test_mgmt_and_unrenamed_placeholder_are_never_removed():
    st = state("db1201", interfaces={"mgmt": iface(2, "mgmt", mgmt_only=True), "##PRIMARY##": iface(1, "##PRIMARY##")})

    def no_primary(raw):
        raw["networking"].pop("primary")

    p = plan("single_nic", st, no_primary)
    assert changes(p, "interface", "delete") == []


def test_vm_interface_absent_from_facts_is_removed_when_it_has_no_ip():
    st = state("etcd1007", kind="vm", interfaces={"eth1": iface(5, "eth1")})
    p = plan("vm", st)
    assert one(changes(p, "interface", "delete")).key == PortRef("etcd1007", "eth1")
