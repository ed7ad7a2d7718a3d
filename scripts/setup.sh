#!/usr/bin/env bash
# Installs what antitrain needs and is missing; quiet and fast (well under 2 s) when all is there.
#
#   scripts/setup.sh            node modules, Jupyter, the tslab kernel, redis-server (sweep test),
#                               Fashion-MNIST (Debian's dataset-fashion-mnist: at.fashionMnist())
#   scripts/setup.sh --browser  also Chromium (the report test renders a notebook in it)
#   scripts/setup.sh --bench    also PyTorch for Debian's python (the benchmarks' float64 reference)
#
# Prints one line per thing it installs. Writes the python that has Jupyter to .cache/jupyter-python
# (and, with --bench, the python that has torch to .cache/torch-python) for the Node scripts.
# System packages come from apt-get when we are root on Debian/Ubuntu; elsewhere it says what to install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

want_browser=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --bench) want_bench=1 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option '$arg' (known: --browser, --bench)" >&2; exit 2 ;;
  esac
done

export DEBIAN_FRONTEND=noninteractive
say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }
mkdir -p .cache
LOG=.cache/setup.log

# Runs a command with its output in .cache/setup.log; shows the log's tail if it fails.
quietly() {
  if ! "$@" >"$LOG" 2>&1 </dev/null; then
    echo "setup: failed: $*" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    quietly apt-get update
    apt_updated=1
  fi
  quietly apt-get install -y "$@"
}

# Writes a one-line cache file only when its content changes (atomically: temp file, then rename).
write_cache() {
  local file=$1 value=$2
  if [ ! -f "$file" ] || [ "$(cat "$file")" != "$value" ]; then
    printf '%s\n' "$value" >"$file.tmp.$$"
    mv -f "$file.tmp.$$" "$file"
  fi
}

# --- Node and node modules -------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "Node.js is missing: install Node 20 or newer (https://nodejs.org)."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $(node -v) is too old: antitrain needs Node 20 or newer."

# npm records what it installed in node_modules/.package-lock.json, written after package-lock.json.
# A node_modules that is a link (a git worktree sharing another checkout's modules) belongs to that checkout: npm ci
# here would empty it under every process using it.
if [ -L node_modules ]; then
  [ -f node_modules/.package-lock.json ] || die "node_modules links to $(readlink node_modules), which has no installed modules: run npm ci there."
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules (npm ci)"
  quietly npm ci --no-audit --no-fund
fi

# --- Jupyter and the tslab kernel ------------------------------------------------------------
# Asks one python, in one quick start (~50 ms: it locates the packages without importing them), for
# its real path (not a pyenv shim's) if it has Jupyter, and on a second line for the command of the
# registered tslab kernel if that command exists. Reads kernel.json from Jupyter's kernel paths
# directly: importing jupyter_client or nbconvert would cost half a second or more.
probe_python() {
  "$1" - <<'EOF' 2>/dev/null
import importlib.util, json, os, shutil, sys
if not all(importlib.util.find_spec(m) for m in ("nbconvert", "nbclient", "jupyter_client")):
    sys.exit(1)
print(sys.executable)
from jupyter_core.paths import jupyter_path
for d in jupyter_path("kernels"):
    spec = os.path.join(d, "tslab", "kernel.json")
    if os.path.isfile(spec):
        cmd = json.load(open(spec))["argv"][0]
        if os.access(cmd, os.X_OK) if os.path.isabs(cmd) else shutil.which(cmd):
            print(cmd)
        break
EOF
}
# The first python3 on PATH may be another Python (pyenv, conda) without Jupyter: prefer Debian's own.
find_jupyter() {
  local py
  for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [ -n "$py" ] && [ -x "$py" ] && probe_python "$py"; then return 0; fi
  done
  return 1
}

if ! found=$(find_jupyter); then
  if can_apt; then
    say "installing Jupyter (apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel)"
    apt_install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel
  fi
  found=$(find_jupyter) || die "Jupyter is missing. Install it into a python3 on your PATH, then run npm run setup again:
    python3 -m pip install notebook nbconvert nbclient
  (on Debian/Ubuntu as root: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel)"
fi
PY=$(sed -n 1p <<<"$found")
kernel=$(sed -n 2p <<<"$found")
write_cache .cache/jupyter-python "$PY"

if [ -z "$kernel" ]; then
  # An absolute path to the tslab binary, so `jupyter notebook` finds it without node_modules/.bin
  # on PATH. Any tslab binary will do: tslab hands over to the tslab in the notebook's node_modules.
  say "registering the tslab kernel with Jupyter ($PY)"
  quietly node_modules/.bin/tslab install --python="$PY" --binary="$ROOT/node_modules/.bin/tslab"
  # (`jupyter kernelspec` needs Debian's separate jupyter-client package; the module works everywhere.)
  "$PY" -m jupyter_client.kernelspecapp list 2>/dev/null | grep -q '^ *tslab ' ||
    die "the tslab kernel is not listed by '$PY -m jupyter_client.kernelspecapp list' after installing it (see $LOG)"
fi

# --- Redis (the distributed-sweep test starts its own redis-server on a loopback port) -------
if ! command -v redis-server >/dev/null 2>&1; then
  can_apt || die "redis-server is missing: install Redis 6.2 or newer (Debian/Ubuntu: apt-get install redis-server)."
  say "installing Redis (apt-get install redis-server)"
  apt_install redis-server
fi

# --- Fashion-MNIST (at.fashionMnist(); 70,000 28x28 images, MIT licence) ----------------------
# Debian's package puts the four IDX files in /usr/share/datasets/fashion-mnist. Elsewhere, put them in a folder
# and point ANTITRAIN_FASHION_MNIST_DIR at it (at.fashionMnist() says the same when they are missing).
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] && [ -z "${ANTITRAIN_FASHION_MNIST_DIR:-}" ]; then
  if can_apt; then
    say "installing Fashion-MNIST (apt-get install dataset-fashion-mnist)"
    apt_install dataset-fashion-mnist
  else
    say "Fashion-MNIST is missing (only at.fashionMnist() needs it): on Debian/Ubuntu as root apt-get install dataset-fashion-mnist, or set ANTITRAIN_FASHION_MNIST_DIR to a folder with its four IDX files"
  fi
fi

# --- Chromium (the report test) --------------------------------------------------------------
# The same search as findChromium() in scripts/check-report.js.
find_browser() {
  local b
  for b in ${CHROMIUM:-} /usr/bin/chromium chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then return 0; fi
  done
  return 1
}
if [ "$want_browser" = 1 ] && ! find_browser; then
  can_apt || die "Chromium is missing: install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chrome."
  say "installing Chromium (apt-get install chromium)"
  apt_install chromium
  find_browser || die "Chromium is still missing after apt-get install chromium (see $LOG)"
fi

# --- PyTorch (benchmarks only) ---------------------------------------------------------------
if [ "$want_bench" = 1 ]; then
  has_torch() { [ -x "$1" ] && "$1" -c 'import torch' >/dev/null 2>&1; }
  TORCH_PY=/usr/bin/python3
  if ! has_torch "$TORCH_PY"; then
    if can_apt; then
      say "installing PyTorch (apt-get install python3-torch)"
      apt_install python3-torch
    elif has_torch "$(command -v python3 || true)"; then
      TORCH_PY=$(command -v python3)
    fi
    has_torch "$TORCH_PY" || die "PyTorch is missing (the benchmarks compare against it): python3 -m pip install torch
  (on Debian/Ubuntu as root: apt-get install python3-torch)"
  fi
  write_cache .cache/torch-python "$TORCH_PY"
fi
