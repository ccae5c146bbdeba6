"""Ganeti → NetBox sync (docs/behaviour-reference.md §4.4): RAPI client (``rapi``), pure plan (``plan``), ORM
loader/applier (``sync``)."""
