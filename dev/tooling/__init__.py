"""The development tooling behind `dev/wmfops.py` (`make demo`, `make test`, `make bench`), one module per concern:
``services``, ``databases`` (and templates), ``instances``, ``demo``, ``testing``; ``common`` holds what they share."""
