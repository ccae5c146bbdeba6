"""Facts + the current NetBox state of one host → the changes that make NetBox match ("interface automation").

Pure: plain records in (``facts.HostFacts`` and ``records.HostState``, built by ``loader.load_host_state``), a
``changes.Plan`` out; ``applier.apply_plan`` makes its changes in order inside one transaction, and a dry run shows
them. ``host.plan_host`` runs the steps; each concern has its module:

* ``records``: the NetBox state as plain records; ``changes``: the plan (``Change``, ``Plan``);
* ``draft``: the plan being drafted, shared by the steps (what NetBox looks like after the changes planned so far);
* ``placeholders``: provisioning's ``##PRIMARY##`` and bond-member names take the facts' names;
* ``interfaces``: the host's interfaces (which, in what order, type, MTU, MAC, parent/bridge/LAG);
* ``dot1q``: 802.1Q modes and VLANs, on the host and copied to its switch ports;
* ``addresses``: IPs, VIPs and anycast, primary IPs, and the address arithmetic;
* ``cabling``: LLDP neighbours and cables; ``switch_ports``: the switch side of a cable (ports, MTU, orphans);
* ``removals``: the removal guard for interfaces gone from the facts.

The algorithm follows docs/behaviour-reference.md §2.1 (Steps A to D) with the spec's messages, and fixes the bugs
listed in docs/behaviour-reference.md §6.4 items 1 to 9 on purpose (each fix is listed in docs/scripts.md, "Fixed on
purpose"). Decisions the spec leaves open are marked "Decision:" and documented there too.
"""
