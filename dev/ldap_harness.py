"""A real OpenLDAP server (Debian's ``slapd``) for the LDAP login recipe's tests (docs/deployment.md, recipe 1).

    with LdapServer() as ldap:          # installs slapd/ldap-utils when missing, loads the directory, waits
        ldap.uri                        # ldaps://127.0.0.1:<port>, a certificate for 127.0.0.1 signed by ...
        ldap.ca_file                    # ... a throw-away CA made by openssl for this server
        ldap.plain_uri                  # ldap://127.0.0.1:<port>
        ldap.stop(); ldap.start()       # the recipe must survive a dead LDAP server

The server listens on 127.0.0.1 only (ldap:// and ldaps://), runs in the foreground of a child process (never as a
system service: the package is installed without its default database) and keeps its configuration, certificates
and throw-away database under ``.state/ldap/<name>/``, rebuilt on every start. The directory holds the bind
account and four people:

    alice  in ops            (may log in; superuser)
    bob    in wmf            (may log in)
    carol  in neither group  (refused)
    dave   in ops, but also in nologin: a disabled account (refused)

This module imports nothing from Django.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from dev.harness_support import free_port, install_debian_packages

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".state" / "ldap"
SLAPD, SLAPADD = Path("/usr/sbin/slapd"), Path("/usr/sbin/slapadd")
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")

BASE = "dc=example,dc=org"
PEOPLE, GROUPS = f"ou=people,{BASE}", f"ou=groups,{BASE}"
BIND_DN = f"cn=netbox,ou=profile,{BASE}"
# Throw-away credentials of a directory that lives for one test module on 127.0.0.1.
BIND_PASSWORD = "bind-secret-for-tests"
PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-1", "carol": "carol-pass-1", "dave": "dave-pass-1"}
MEMBERS = {"ops": ("alice", "dave"), "wmf": ("bob",), "nologin": ("dave",)}


class LdapHarnessError(RuntimeError):
    pass


def ensure_installed() -> None:
    """Debian's slapd and ldap-utils, without the package's own database (so nothing else listens)."""
    install_debian_packages(
        ("slapd", "ldap-utils"),
        installed=lambda: SLAPD.exists() and SLAPADD.exists() and shutil.which("ldapwhoami") is not None,
        error=LdapHarnessError,
        what="slapd",
        debconf="slapd slapd/no_configuration boolean true\n",
    )


def ssha(password: str, salt: bytes = b"wmf-salt") -> str:
    """The {SSHA} userPassword form slapd checks binds against."""
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def directory_ldif() -> str:
    entries = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n",
        f"dn: ou=profile,{BASE}\nobjectClass: organizationalUnit\nou: profile\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: {BIND_DN}\nobjectClass: person\ncn: netbox\nsn: netbox\nuserPassword: {ssha(BIND_PASSWORD)}\n",
    ]
    for user, password in PASSWORDS.items():
        entries.append(
            f"dn: cn={user},{PEOPLE}\nobjectClass: inetOrgPerson\ncn: {user}\nsn: {user.title()}son\n"
            f"givenName: {user.title()}\nmail: {user}@example.org\nuserPassword: {ssha(password)}\n"
        )
    for group, users in MEMBERS.items():
        members = "".join(f"member: cn={user},{PEOPLE}\n" for user in users)
        entries.append(f"dn: cn={group},{GROUPS}\nobjectClass: groupOfNames\ncn: {group}\n{members}")
    return "\n".join(entries)


class LdapServer:
    """One slapd on 127.0.0.1 with its own configuration and database; ``start()`` blocks until it answers."""

    def __init__(self, name: str = "test", port: int | None = None) -> None:
        self.port = port or free_port()
        self.tls_port = free_port()
        self.state_dir = STATE_DIR / name
        self.process: subprocess.Popen | None = None
        self.config: Path | None = None  # written (with a fresh database) by the first start; kept by a restart

    @property
    def uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def plain_uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> Path:
        return self.state_dir / "tls" / "ca.pem"

    def _write_certificates(self) -> Path:
        """A CA and a server certificate for 127.0.0.1 (IP subjectAltName), made with openssl, valid two days."""
        tls = self.state_dir / "tls"
        shutil.rmtree(tls, ignore_errors=True)
        tls.mkdir(parents=True)
        (tls / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
        commands = (
            "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=netbox-wmf-ops-test-CA",
            "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
            "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext"
            " -out server.pem",
        )
        for command in map(str.split, commands):
            result = subprocess.run(["openssl", *command], cwd=tls, capture_output=True, text=True)
            if result.returncode != 0:
                raise LdapHarnessError(f"openssl {command[0]} failed:\n{result.stderr[-2000:]}")
        return tls

    @property
    def log_file(self) -> Path:
        return self.state_dir / "slapd.log"

    def _write_config(self) -> Path:
        data = self.state_dir / "data"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        includes = "".join(f"include /etc/ldap/schema/{schema}.schema\n" for schema in SCHEMAS)
        tls = self._write_certificates()
        config = self.state_dir / "slapd.conf"
        config.write_text(
            f"{includes}"
            f"TLSCACertificateFile {tls / 'ca.pem'}\nTLSCertificateFile {tls / 'server.pem'}\n"
            f"TLSCertificateKeyFile {tls / 'server.key'}\n"
            f"pidfile {self.state_dir / 'slapd.pid'}\nargsfile {self.state_dir / 'slapd.args'}\n"
            "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
            f'database mdb\nmaxsize 16777216\nsuffix "{BASE}"\nrootdn "cn=admin,{BASE}"\n'
            f"directory {data}\n"
            "access to attrs=userPassword by self read by anonymous auth by * none\n"
            "access to * by users read by * none\n"
        )
        (self.state_dir / "directory.ldif").write_text(directory_ldif())
        result = subprocess.run(
            [str(SLAPADD), "-f", str(config), "-l", str(self.state_dir / "directory.ldif")],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise LdapHarnessError(f"slapadd failed:\n{result.stderr[-2000:]}")
        return config

    def start(self) -> LdapServer:
        ensure_installed()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self.config is None:
            self.config = self._write_config()
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [str(SLAPD), "-f", str(self.config), "-h", f"{self.plain_uri}/ {self.uri}/", "-d", "0"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise LdapHarnessError(f"slapd did not start; see {self.log_file}")
            time.sleep(0.1)
        return self

    def answers(self) -> bool:
        """True when a bind as the NetBox account over TLS succeeds (``ldapwhoami``, trusting only our CA)."""
        result = subprocess.run(
            ["ldapwhoami", "-x", "-H", self.uri, "-D", BIND_DN, "-w", BIND_PASSWORD],
            capture_output=True,
            timeout=10,
            env={**os.environ, "LDAPTLS_CACERT": str(self.ca_file), "LDAPTLS_REQCERT": "demand"},
        )
        return result.returncode == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LdapServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
