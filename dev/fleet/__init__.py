"""The seeded, Wikimedia-shaped demo and benchmark fleet: a pure plan (``plan.py`` and the passes it runs;
``defects.py``, ``model.py``),
the external systems' view of it (``exports.py``) and an ORM loader (``load.py``). Development tooling: used by
`make demo`, `make test` and `make bench`, never shipped in the plugin's wheel. Load it with ``python -m dev.fleet``."""
