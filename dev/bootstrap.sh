#!/usr/bin/env bash
# Find a Python >= 3.12 and build .venv with NetBox and the plugin (editable). Idempotent: a stamp of the inputs
# skips the install when nothing changed. Prints nothing but errors and one status line.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${WMF_OPS_VENV:-.venv}"

fail() { echo "bootstrap: $*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
    local candidate
    if [ -n "${WMF_OPS_PYTHON:-}" ]; then
        python_ok "$WMF_OPS_PYTHON" || fail "WMF_OPS_PYTHON=$WMF_OPS_PYTHON is not a Python >= 3.12"
        echo "$WMF_OPS_PYTHON"; return
    fi
    for candidate in python3.13 python3.12; do
        if command -v "$candidate" >/dev/null && python_ok "$(command -v "$candidate")"; then
            command -v "$candidate"; return
        fi
    done
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    command -v pyenv >/dev/null && pyenv_root="$(pyenv root)"
    for candidate in $(ls -d "$pyenv_root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
                     /usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12 python3; do
        if [ -x "$candidate" ] || command -v "$candidate" >/dev/null 2>&1; then
            if python_ok "$candidate"; then echo "$candidate"; return; fi
        fi
    done
    fail "no Python >= 3.12 found (NetBox 4.7 needs it). Install one (e.g. 'pyenv install 3.12') or set WMF_OPS_PYTHON=/path/to/python3.12"
}

stamp_inputs() { cat dev/requirements.txt setup.py; }
want="$(stamp_inputs | sha256sum | cut -d' ' -f1)"
stamp="$VENV/.wmf-ops-stamp"

if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python" && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi

py="$(find_python)"
echo "bootstrap: building $VENV with $("$py" --version 2>&1) ($py)"
if ! { [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; }; then
    rm -rf "$VENV"
    "$py" -m venv "$VENV" || fail "could not create a virtualenv with $py (is the venv module installed?)"
fi
# pip's and setuptools' chatter goes to a log, shown only when an install fails.
mkdir -p .state
log=.state/bootstrap.log
: > "$log"
pipq() {
    if ! "$VENV/bin/python" -m pip -q --disable-pip-version-check "$@" >>"$log" 2>&1; then
        grep -v "^WARNING: Location 'file:" "$log" | tail -40 >&2
        fail "pip install $* failed (full log: $log)"
    fi
}
pipq install --upgrade pip setuptools wheel
# python-ldap (for django-auth-ldap, the LDAP recipe) compiles against OpenLDAP's and SASL's headers.
if [ ! -f /usr/include/ldap.h ] || [ ! -f /usr/include/sasl/sasl.h ]; then
    [ "$(id -u)" = 0 ] || fail "python-ldap needs Debian's libldap2-dev and libsasl2-dev: sudo apt-get install libldap2-dev libsasl2-dev"
    echo "bootstrap: installing Debian packages libldap2-dev libsasl2-dev"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libldap2-dev libsasl2-dev; } >>"$log" 2>&1 \
        || { tail -20 "$log" >&2; fail "apt-get install libldap2-dev libsasl2-dev failed (full log: $log)"; }
fi
pipq install -r dev/requirements.txt
pipq install -e "."
echo "$want" > "$stamp"
echo "bootstrap: $VENV ready ($("$VENV/bin/netbox" --version 2>/dev/null || echo netbox installed))"
