#!/usr/bin/env bash
# The Node packages as the release publishes them, for the one target this machine builds: the
# linux-x64-gnu addon linked by zig against glibc 2.17 (cargo-zigbuild through `napi build -x`, as
# the release workflow does), checked to need no glibc symbol newer than 2.17, then packed with the
# main package (node/scripts/pack.mjs), installed offline into a fresh folder, and run against the
# sandbox: the Pre-Fill flow, and the load errors on platforms with no package
# (node/test/packaging.test.mjs with PROVE_SDK_ADDON set to this build).
#
# The addon is built in the dev profile (the glibc floor is a property of the link, the same in
# release; the release workflow builds release) in its own target dir, target/node-zig: zig
# changes the C compiler and linker, which would otherwise rebuild the crates the other steps share.
# Tools: ziglang and cargo-zigbuild from PyPI in a venv under target/node-package/tools.
# Usage: scripts/node-package-check.sh   (needs Rust, Node.js with node/node_modules, Python 3, readelf)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "skipped: builds the linux-x64-gnu package, which needs an x86_64 Linux host"
  exit 0
fi

export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-target}"; [[ "$target_dir" = /* ]] || target_dir="$PWD/$target_dir"
work="$target_dir/node-package"
tools="$work/tools"
zig_versions="ziglang==0.17.1 cargo-zigbuild==0.24.1"

if [ "$(cat "$tools/.versions" 2>/dev/null)" != "$zig_versions" ]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  # shellcheck disable=SC2086
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check $zig_versions
  echo "$zig_versions" > "$tools/.versions"
fi

# cargo-zigbuild runs zig as `python3 -m ziglang` from the venv on PATH. CARGO_BUILD_TARGET is the
# other steps' plain target; the explicit --target below is the zig one. The debug-info setting is
# fixed here so that the build dir stays warm whatever the caller's environment says.
rm -rf "$work/addon"
started=$(date +%s)
(
  cd node
  env -u CARGO_BUILD_TARGET PATH="$tools/bin:$PATH" CARGO_PROFILE_DEV_DEBUG=0 \
    npx --no-install napi build --platform -x --target x86_64-unknown-linux-gnu.2.17 \
    --manifest-path ../bindings/node/Cargo.toml --package-json-path package.json \
    --target-dir "$target_dir/node-zig" --output-dir "$work/addon" --no-js --dts index.d.ts -- --locked
)
addon="$work/addon/prove-sdk.linux-x64-gnu.node"
echo "linux-x64-gnu addon (zig, glibc 2.17, dev profile) built in $(( $(date +%s) - started )) s: $(du -h "$addon" | cut -f1)"

# The glibc floor: the highest GLIBC_ version among the symbol versions the addon requires.
scripts/glibc-floor.sh 2.17 "$addon"

(cd node && PROVE_SDK_ADDON="$addon" node --test test/packaging.test.mjs)
