"""The demo's fake RAPI serves exactly the clusters the demo fleet's plan describes."""

from dev.fakes.ganeti_rapi import cluster_from_view
from dev.fleet.plan import plan_fleet


def test_cluster_from_the_plan_view_serves_the_same_groups_nodes_and_instances():
    for view in plan_fleet(0.05, 1).external["ganeti"].values():
        cluster = cluster_from_view(view)
        assert [g["name"] for g in cluster.groups_bulk()] == [g["name"] for g in view["groups"]]
        assert sorted(n["name"] for n in cluster.nodes_bulk()) == sorted(
            n for g in view["groups"] for n in g["node_list"]
        )
        served = {i["name"]: i for i in cluster.instances_bulk()}
        assert set(served) == {i["name"] for i in view["instances"]}
        for wanted in view["instances"]:
            got = served[wanted["name"]]
            assert got["pnode"] == wanted["pnode"]
            assert got["beparams"]["vcpus"] == wanted["beparams"]["vcpus"]
            assert got["beparams"]["memory"] == wanted["beparams"]["memory"]
            assert got["disk.sizes"] == wanted["disk.sizes"]
            assert got["admin_state"] == wanted["admin_state"]
