"""Server lifecycle services (docs/behaviour-reference.md §2.3 to §2.10): provisioning, moves, replacements, offlining,
secondary IPs, Capirca definitions, reverts.

Each capability has three parts:

* its pure planning in ``planning/<capability>.py`` (validation of the inputs, the choice of ports, addresses, names
  and VLANs, what to write; no Django or NetBox import, refusals as ``planning.refusal.Refused``);
* here, ``<capability>.py``: the ORM side, which loads what the planning needs (in bulk where it loops) and applies
  the result in the caller's transaction through NetBox's ``save()``/``full_clean()`` so that signals, validators
  and change logging run; ``common.py`` holds the loaders and appliers the capabilities share;
* its door, a thin ``LifecycleScript`` in ``netbox_wmf_ops/scripts/`` (``netbox_wmf_ops/scripting.py`` turns a
  ``Refused`` into NetBox's ``AbortScript``)."""
