"""Fakes of the external services that cannot run here (Ganeti RAPI, Google Sheets, the LibreNMS API), built from
their documented wire formats. Development tooling shared by tests, bench and demo; never shipped in the wheel."""
