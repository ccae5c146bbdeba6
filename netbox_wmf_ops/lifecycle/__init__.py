"""Server lifecycle scripts (docs/behaviour-reference.md §2.3 to §2.10): provisioning, moves, replacements, offlining,
reverts.

``common`` holds the helpers the scripts share (docs/behaviour-reference.md §2.0); each script's logic lives in its own
module here and the
NetBox-facing ``Script`` classes in ``netbox_wmf_ops/scripts/`` stay thin."""
