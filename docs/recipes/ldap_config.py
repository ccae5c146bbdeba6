"""NetBox's ``conf/ldap_config.py`` (beside ``configuration.py``): LDAP login for members of ``ops`` or ``wmf`` only.

Recipe 1 of docs/deployment.md; tests/integration/deploy/test_ldap.py runs this file unchanged against a real slapd.
``configuration.py`` adds ``REMOTE_AUTH_BACKEND = "netbox.authentication.LDAPBackend"``. The site's values come from
the environment of the web and worker processes (systemd's ``EnvironmentFile=/etc/netbox/secrets.env``), the bind
password always: it is never written here.
"""

import os

import ldap
from django_auth_ldap.config import GroupOfNamesType, LDAPGroupQuery, LDAPSearch

BASE_DN = os.environ.get("NETBOX_LDAP_BASE_DN", "dc=wikimedia,dc=org")
PEOPLE, GROUPS = f"ou=people,{BASE_DN}", f"ou=groups,{BASE_DN}"
OPS, WMF, NOLOGIN = f"cn=ops,{GROUPS}", f"cn=wmf,{GROUPS}", f"cn=nologin,{GROUPS}"

# Servers are tried in order. ldaps:// (TLS from the first byte); with ldap:// URIs set AUTH_LDAP_START_TLS = True.
AUTH_LDAP_SERVER_URI = os.environ.get(
    "NETBOX_LDAP_URI", "ldaps://ldap-ro.eqiad.wikimedia.org ldaps://ldap-ro.codfw.wikimedia.org"
)
AUTH_LDAP_START_TLS = False
LDAP_CA_CERT_FILE = os.environ.get("NETBOX_LDAP_CA_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
LDAP_IGNORE_CERT_ERRORS = False
AUTH_LDAP_CONNECTION_OPTIONS = {
    ldap.OPT_REFERRALS: 0,
    ldap.OPT_NETWORK_TIMEOUT: 5,  # seconds to reach a server: a dead LDAP must not hang the login page
    ldap.OPT_TIMEOUT: 10,  # seconds for an operation
}

# A read-only service account finds the user; the user's own password is then checked by a bind as that user.
AUTH_LDAP_BIND_DN = f"cn=netbox,ou=profile,{BASE_DN}"
AUTH_LDAP_BIND_PASSWORD = os.environ["NETBOX_LDAP_BIND_PASSWORD"]
AUTH_LDAP_USER_SEARCH = LDAPSearch(PEOPLE, ldap.SCOPE_SUBTREE, "(cn=%(user)s)")
AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}

AUTH_LDAP_GROUP_SEARCH = LDAPSearch(GROUPS, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)")
AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
# Only members of ops OR wmf may log in; anyone else gets NetBox's usual "invalid credentials" message.
AUTH_LDAP_REQUIRE_GROUP = LDAPGroupQuery(OPS) | LDAPGroupQuery(WMF)
# A disabled account (in nologin) is refused even when it is in ops or wmf.
AUTH_LDAP_DENY_GROUP = NOLOGIN
# The user's LDAP groups become NetBox groups of the same name (give those groups permissions in NetBox).
AUTH_LDAP_MIRROR_GROUPS = True
AUTH_LDAP_FIND_GROUP_PERMS = True
# Set on every login from the user's groups. NetBox refuses inactive users, so is_active covers both groups.
# (NetBox 4.7's User has no is_staff: superuser is the one administrative flag.)
AUTH_LDAP_USER_FLAGS_BY_GROUP = {
    "is_active": LDAPGroupQuery(OPS) | LDAPGroupQuery(WMF),
    "is_superuser": OPS,
}
# Group memberships are cached this many seconds (in NetBox's Redis cache) between logins.
AUTH_LDAP_CACHE_TIMEOUT = 3600
