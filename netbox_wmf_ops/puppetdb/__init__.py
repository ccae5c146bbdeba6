"""PuppetDB: the HTTP client (``client``), facts → interface plan (``facts``, ``plan``: pure), the ORM importer
(``importer``)."""
