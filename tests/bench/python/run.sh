#!/usr/bin/env bash
# The Python benchmark and soak (not tests: they report numbers and never fail on them).
#
#   tests/bench/python/run.sh [bench|soak|build] [options of bench.py / soak.py]
#
# Creates a virtual environment under the cargo target dir (never in the work tree) with the
# pinned packages of requirements.txt, builds the sandbox emulator (cargo build --release -p
# prove-sandbox) and the prove-sdk wheel in release mode (maturin build --release), installs the
# wheel, then runs bench.py (default) or soak.py. `build` only builds and installs.
# Environment: PYTHON (default python3), PROVE_SANDBOX_BIN (another sandbox binary),
# PROVE_BENCH_SKIP_BUILD=1 (reuse the wheel already built and installed), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=tests/bench/python

mode="${1:-bench}"
[[ $# -gt 0 ]] && shift
case "$mode" in bench|soak|build) ;; *) echo "usage: $0 [bench|soak|build] [options]" >&2; exit 2 ;; esac

host_triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host_triple}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-target}"; [[ "$target_dir" = /* ]] || target_dir="$PWD/$target_dir"
work="$target_dir/python-bench"
venv="$work/venv"
python="${PYTHON:-python3}"

# The environment is made again when requirements.txt changes.
stamp="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$work/requirements.sha256" 2>/dev/null)" != "$stamp" ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$stamp" > "$work/requirements.sha256"
fi

if [[ -z "${PROVE_SANDBOX_BIN:-}" ]]; then
  cargo build --quiet --release -p prove-sandbox
  export PROVE_SANDBOX_BIN="$target_dir/$CARGO_BUILD_TARGET/release/prove-sandbox"
fi

if [[ "${PROVE_BENCH_SKIP_BUILD:-}" == 1 && -n "$(ls "$venv"/lib/python*/site-packages/prove_sdk/_native*.so 2>/dev/null)" ]]; then
  echo "using the prove-sdk already installed in $venv (PROVE_BENCH_SKIP_BUILD=1)"
else
  echo "building the prove-sdk wheel (release)..."
  rm -rf "$work/wheels"
  (cd python && "$venv/bin/maturin" build --quiet --release --out "$work/wheels")
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$work"/wheels/prove_sdk-*.whl
fi

[[ "$mode" == build ]] && exit 0
# Run from the benchmark's folder: `prove_sdk` is the installed release build, never python/.
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "$venv/bin/python" "$mode.py" "$@"
