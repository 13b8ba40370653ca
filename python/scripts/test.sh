#!/usr/bin/env bash
# The Python package's tests, as scripts/test.sh runs them: a fresh virtual environment under the
# cargo target dir (never in the work tree), the pinned tools of python/requirements-dev.txt, a
# debug build of the native module (maturin, sharing the workspace's target dir), then pytest
# (the package and the FastAPI example, against the in-process sandbox) and mypy --strict.
# Usage: python/scripts/test.sh   (needs Python >= 3.9 with venv, Rust; PyPI for the installs)
set -euo pipefail
cd "$(dirname "$0")/../.."

host_triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host_triple}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-target}"; [[ "$target_dir" = /* ]] || target_dir="$PWD/$target_dir"
venv="$target_dir/python-test/venv"
wheels="$target_dir/python-test/wheels"
python="${PYTHON:-python3}"

rm -rf "$venv" "$wheels"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt

# Debug build: the tests need no optimisation, and it reuses the workspace's compiled crates.
(cd python && "$venv/bin/maturin" build --quiet --profile dev --out "$wheels")
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$wheels"/prove_sdk-*.whl

# No bytecode or pytest cache in the tree; run from the repository root so that `prove_sdk`
# is the installed package, not python/prove_sdk.
export PYTHONDONTWRITEBYTECODE=1
"$venv/bin/pytest" -p no:cacheprovider -q python/tests python/examples/fastapi/tests
(cd python && "$venv/bin/mypy" --strict --cache-dir "$target_dir/python-test/mypy-cache" \
  prove_sdk tests/typing_usage.py examples/fastapi/app.py)
