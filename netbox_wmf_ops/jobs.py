"""Background jobs run by `netbox rqworker`."""
