# Recipe 1 of docs/deployment.md: the lines configuration.py adds for LDAP login (ldap_config.py sits beside it).
# tests/integration/deploy/test_ldap.py appends this file unchanged to its instance's configuration.py.

# LDAP first, then NetBox's own users (local superusers keep working while LDAP is down).
REMOTE_AUTH_BACKEND = "netbox.authentication.LDAPBackend"

# django-auth-ldap's warnings (an unreachable server, a failed search) on the web process's stderr, i.e. in the
# journal of its systemd unit. Merge into your LOGGING if you have one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django_auth_ldap": {"handlers": ["stderr"], "level": "WARNING"}},
}
