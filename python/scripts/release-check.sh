#!/usr/bin/env bash
# Builds the release wheel as it would be published and checks it: abi3 and manylinux2014 tag,
# no glibc symbol newer than 2.17 in the native module, and a flow run against the built-in
# sandbox after installing the wheel into fresh virtual environments of the oldest and newest
# Python on the machine (3.9 and 3.13 from ~/.pyenv/versions by default). Then installs from
# source into fresh environments, with a flow run each: `pip install ./python` (PEP 517 through
# the maturin backend, from the checkout) and `pip install` of the sdist `maturin sdist` makes.
# Usage: python/scripts/release-check.sh   (10-20 minutes on 2 cores: three release builds)
set -euo pipefail
cd "$(dirname "$0")/../.."

host_triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host_triple}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-target}"; [[ "$target_dir" = /* ]] || target_dir="$PWD/$target_dir"
work="$target_dir/python-release"
oldest="${PYTHON_OLDEST:-$(ls -d "$HOME"/.pyenv/versions/3.9.* 2>/dev/null | sort -V | tail -1)/bin/python}"
newest="${PYTHON_NEWEST:-$(ls -d "$HOME"/.pyenv/versions/3.13.* 2>/dev/null | sort -V | tail -1)/bin/python}"

rm -rf "$work"
python3 -m venv "$work/tools"
"$work/tools/bin/python" -m pip install --quiet --disable-pip-version-check maturin==1.16.0 ziglang==0.17.1
# maturin finds zig through `python -m ziglang` of the environment on PATH.
export PATH="$work/tools/bin:$PATH"
(cd python && "$work/tools/bin/maturin" build --quiet --release --zig --compatibility manylinux2014 --out "$work/wheels")

wheel="$(ls "$work"/wheels/prove_sdk-*.whl)"
echo "wheel: $(basename "$wheel")"
case "$(basename "$wheel")" in
  *-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl|*-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl) ;;
  *) echo "unexpected wheel tag (want cp39-abi3 manylinux2014)" >&2; exit 1 ;;
esac

# The highest GLIBC_x.y symbol version the native module needs.
"$work/tools/bin/python" - "$wheel" <<'PY'
import re, subprocess, sys, tempfile, zipfile
with tempfile.TemporaryDirectory() as d:
    with zipfile.ZipFile(sys.argv[1]) as z:
        so = next(n for n in z.namelist() if n.endswith(".so"))
        path = z.extract(so, d)
    out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True, check=True).stdout
versions = sorted({tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", out)})
print("highest GLIBC symbol version:", ".".join(map(str, versions[-1])))
sys.exit(0 if versions[-1] <= (2, 17) else 1)
PY

# A Pre-Fill flow (sync) and an async call against the built-in sandbox, run by the Python of
# the environment $1 from outside the checkout (so `prove_sdk` is the installed package).
flow() {
  (cd "$work" && "$1/bin/python" - "$2" <<'PY'
import asyncio, sys
from prove_sdk.testing import Sandbox
with Sandbox() as sandbox:
    client = sandbox.client()
    s = client.flow.start(flow_type="mobile", phone_number="2001001695")
    assert client.flow.validate(correlation_id=s.correlation_id).success
    c = client.flow.challenge(correlation_id=s.correlation_id, dob="1981-01-17")
    done = client.flow.complete(correlation_id=s.correlation_id,
                                individual={"firstName": c.individual.first_name, "lastName": c.individual.last_name})
    assert done.success
    assert asyncio.run(sandbox.async_client().domain.id())
print("Python %d.%d: the Pre-Fill flow ran from %s" % (sys.version_info[:2] + (sys.argv[1],)))
PY
  )
}

for py in "$oldest" "$newest"; do
  env="$work/env-$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  "$py" -m venv "$env"
  "$env/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
  flow "$env" "the installed wheel"
done

# From source, as a user with a checkout (and Rust) would install it: pip runs the maturin
# backend (fetched by pip, as pyproject.toml's build-system says) on python/, whose Cargo
# workspace is the repository's. The shared target dir saves compiling the dependencies again.
export CARGO_TARGET_DIR="$target_dir"
"$newest" -m venv "$work/env-source"
"$work/env-source/bin/python" -m pip install --quiet --disable-pip-version-check ./python
flow "$work/env-source" "pip install ./python"

# From the sdist: maturin packs the workspace crates the module needs; pip builds it in a
# temporary directory, away from the checkout.
(cd python && "$work/tools/bin/maturin" sdist --out "$work/sdist" 2>/dev/null)
sdist="$(ls "$work"/sdist/prove_sdk-*.tar.gz)"
echo "sdist: $(basename "$sdist")"
"$oldest" -m venv "$work/env-sdist"
"$work/env-sdist/bin/python" -m pip install --quiet --disable-pip-version-check "$sdist"
flow "$work/env-sdist" "the sdist"
echo "release wheel and source install checks passed"
