#!/usr/bin/env bash
# `make dist`: the plugin's wheel plus a wheelhouse with frozen requirements (NetBox and every dependency, pinned),
# so a NetBox host without registry access installs offline:
#   pip install --no-index --find-links dist/wheelhouse -r dist/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
out=dist
rm -rf "$out.tmp" && mkdir -p "$out.tmp/wheelhouse"
log=.state/dist.log
: > "$log"
run() { "$@" >>"$log" 2>&1 || { grep -v "^WARNING: Location 'file:" "$log" | tail -30 >&2; echo "dist: $* failed (log: $log)" >&2; exit 1; }; }

version=$($PY -c "import netbox_wmf_ops; print(netbox_wmf_ops.__version__)")
# Frozen runtime requirements: what the venv runs NetBox and the plugin with, minus the dev tools and the plugin.
$PY -m pip freeze --exclude-editable --disable-pip-version-check 2>/dev/null \
    | grep -v -i -E "^(pytest|pytest-django|ruff|selenium|iniconfig|pluggy|trio|trio-websocket|outcome|sniffio|sortedcontainers|wsproto|pysocks|h11|exceptiongroup|websocket-client)==" \
    > "$out.tmp/requirements.txt"
echo "netbox-wmf-ops==$version" >> "$out.tmp/requirements.txt"
run $PY -m pip wheel --disable-pip-version-check --no-deps -w "$out.tmp/wheelhouse" .
# Some dependencies ship one wheel per Python version: build the wheelhouse for every Python >= 3.12 found here
# (DIST_PYTHONS overrides), so the target host may run any of them.
pythons="${DIST_PYTHONS:-$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null || true)}"
[ -n "$pythons" ] || pythons=$PY
grep -v "^netbox-wmf-ops==" "$out.tmp/requirements.txt" > "$out.tmp/deps.txt"
for python in $pythons; do
    run "$python" -m pip wheel --disable-pip-version-check -w "$out.tmp/wheelhouse" -r "$out.tmp/deps.txt"
    echo "dist: wheels for $("$python" --version 2>&1)"
done
rm "$out.tmp/deps.txt"
(cd "$out.tmp/wheelhouse" && sha256sum ./*.whl > ../SHA256SUMS)
rm -rf "$out" && mv "$out.tmp" "$out"
echo "dist: $(ls "$out/wheelhouse" | wc -l) wheels in $out/wheelhouse, requirements in $out/requirements.txt"
echo "install offline: pip install --no-index --find-links $out/wheelhouse -r $out/requirements.txt"
