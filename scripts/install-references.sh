#!/usr/bin/env bash
# Installs the optional reference frameworks of `npm run bench` (bench/reference_jax.py, bench/reference_torch.py):
# PyTorch from the Debian/Ubuntu archive when apt-get is there (python3-torch, built on OpenBLAS), then JAX, optax
# and (if still missing) PyTorch with pip. Every step may fail (no root, no network, no such package): the script
# says which and goes on; `npm run bench` runs whichever reference imports and prints why it skipped the others.
#
#   bash scripts/install-references.sh            # apt (as root or with sudo) and pip
#   PYTHON=/usr/bin/python3 bash scripts/install-references.sh
set -u
PYTHON="${PYTHON:-python3}"
status=()

have() { "$1" -c "import $2" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if command -v apt-get >/dev/null; then
  echo "== apt-get install python3-torch python3-numpy"
  if as_root apt-get install -y python3-torch python3-numpy; then status+=("apt python3-torch: installed (for /usr/bin/python3)")
  else status+=("apt python3-torch: failed (see above)"); fi
fi

# pip: the user's python3 first; Debian's system python refuses plain pip installs (PEP 668), so --user and, only
# there, --break-system-packages (it installs into ~/.local, not over Debian's packages).
pip_install() {
  local py="$1"; shift
  "$py" -m pip --version >/dev/null 2>&1 || { status+=("pip for $py: not available"); return 1; }
  local extra=()
  "$py" -c 'import sys; sys.exit(0 if sys.prefix == sys.base_prefix and sys.prefix.startswith("/usr") else 1)' && extra=(--user --break-system-packages)
  echo "== $py -m pip install ${extra[*]} $*"
  if "$py" -m pip install "${extra[@]}" "$@"; then status+=("pip $* ($py): installed"); else status+=("pip $* ($py): failed (see above)"); fi
}
pip_install "$PYTHON" jax optax
have "$PYTHON" torch || have /usr/bin/python3 torch || pip_install "$PYTHON" torch

echo
echo "== summary"
for s in "${status[@]}"; do echo "  $s"; done
for py in "$PYTHON" /usr/bin/python3; do
  for mod in jax optax torch; do
    if have "$py" "$mod"; then echo "  $py: $mod $("$py" -c "import $mod; print($mod.__version__)")"; else echo "  $py: no $mod"; fi
  done
done
exit 0
