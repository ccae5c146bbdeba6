"""Ganeti → NetBox sync (spec §4.4): RAPI client (``rapi``), pure plan (``plan``), ORM loader/applier (``sync``)."""
