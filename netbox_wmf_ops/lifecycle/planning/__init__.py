"""Pure planning of the lifecycle scripts: validation of the inputs, the choice of ports, addresses, names and VLANs,
and what to write, from plain values. Nothing here imports Django or NetBox (``tests/unit/test_import_graph.py``
checks it), so all of it is unit-tested without a database in ``tests/unit/lifecycle/``.

A refusal is a :class:`~netbox_wmf_ops.lifecycle.planning.refusal.Refused` carrying the message the operator reads;
the script doors turn it into NetBox's ``AbortScript`` (``netbox_wmf_ops/scripting.py``)."""
