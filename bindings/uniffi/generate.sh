#!/usr/bin/env bash
# Prints the Kotlin and Swift sources of the SDK from the built library (uniffi library mode),
# and puts the native library where the Maven project packages it.
#
#   bindings/uniffi/generate.sh            build (debug), generate Kotlin into kotlin/target/,
#                                          write the Swift package's generated files
#   bindings/uniffi/generate.sh --check    the same, but fail when the committed Swift files differ
#   bindings/uniffi/generate.sh --release  use a release build of the library (benchmarks, jars
#                                          to ship); uniffi-bindgen itself is always a debug build
#
# The Kotlin sources are not committed: Maven compiles them from kotlin/target/generated-sources/.
# The Swift ones are (a Swift package is consumed from source), so they are drift-checked.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
check=false
profile=debug
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    --release) profile=release ;;
    *) echo "usage: $0 [--check] [--release]" >&2; exit 2 ;;
  esac
done

host_triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host_triple}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
if [ "$profile" = release ]; then
  cargo build -q --locked --release -p prove-uniffi
else
  cargo build -q --locked -p prove-uniffi
fi
# uniffi-bindgen is run as a built binary (cargo run would resolve features anew) and only in
# debug: it is the costliest crate of the workspace.
cargo build -q --locked -p uniffi-bindgen
bindgen="$target_dir/$CARGO_BUILD_TARGET/debug/uniffi-bindgen"
lib="$target_dir/$CARGO_BUILD_TARGET/$profile/libprove_uniffi.so"
[ -f "$lib" ] || lib="$target_dir/$CARGO_BUILD_TARGET/$profile/libprove_uniffi.dylib"
config="$here/uniffi-bindgen.toml"

gen() { "$bindgen" generate --no-format --metadata-no-deps -c "$config" "$@" "$lib" >/dev/null; }

# Kotlin: both components (com.prove.sdk.models and com.prove.sdk), and the library in JNA's
# resource layout (<os>-<arch>/), which the jar carries.
kt_out="$here/kotlin/target/generated-sources/uniffi"
rm -rf "$kt_out"
gen -l kotlin -o "$kt_out"
# One change to what uniffi prints: its Kotlin allocates a JNA structure for the status of every
# call into the library, and JNA tracks each such allocation in a process-wide map, which costs
# more than the call itself under load. Each thread reuses one status instead (a new one is made
# when a call on that thread is already using it). The pattern must be found exactly once per
# file, so a uniffi upgrade that changes it fails here rather than silently.
python3 - "$kt_out" <<'PY'
import pathlib, sys
old = """    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
"""
new = """    val slot = uniffiCallStatusSlots.get()
    val reused = !slot.inUse
    val status = if (reused) slot.status.also { slot.inUse = true; it.code = 0 } else UniffiRustCallStatus()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        if (reused) slot.inUse = false
    }
}

private class UniffiCallStatusSlot {
    val status = UniffiRustCallStatus()
    var inUse = false
}

private val uniffiCallStatusSlots: ThreadLocal<UniffiCallStatusSlot> = ThreadLocal.withInitial { UniffiCallStatusSlot() }
"""
for f in pathlib.Path(sys.argv[1]).rglob("*.kt"):
    text = f.read_text()
    if text.count(old) != 1:
        sys.exit(f"{f}: the call-status helper of uniffi's Kotlin is not as expected")
    f.write_text(text.replace(old, new))
PY
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) jna_dir=linux-x86-64 ;;
  Linux-aarch64) jna_dir=linux-aarch64 ;;
  Darwin-arm64) jna_dir=darwin-aarch64 ;;
  Darwin-x86_64) jna_dir=darwin-x86-64 ;;
  *) echo "no JNA resource directory known for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
native="$here/kotlin/target/native/$jna_dir"
rm -rf "$here/kotlin/target/native"
mkdir -p "$native"
cp "$lib" "$native/"

# Swift: one module (ProveSDK) holding both components' sources, over one C module (ProveFFI)
# holding both headers. Each component is generated apart, since both would be ProveSDK.swift.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gen -l swift --crate prove_core -o "$tmp/core"
gen -l swift --crate prove_uniffi -o "$tmp/client"
mkdir -p "$tmp/swift/Sources/ProveSDK" "$tmp/swift/Sources/ProveFFI/include"
mv "$tmp/core/ProveSDK.swift" "$tmp/swift/Sources/ProveSDK/ProveCore.generated.swift"
mv "$tmp/client/ProveSDK.swift" "$tmp/swift/Sources/ProveSDK/ProveClient.generated.swift"
mv "$tmp/core/prove_coreFFI.h" "$tmp/client/prove_uniffiFFI.h" "$tmp/swift/Sources/ProveFFI/include/"
generated=(
  Sources/ProveSDK/ProveCore.generated.swift
  Sources/ProveSDK/ProveClient.generated.swift
  Sources/ProveFFI/include/prove_coreFFI.h
  Sources/ProveFFI/include/prove_uniffiFFI.h
)
if [ "$check" = true ]; then
  status=0
  for f in "${generated[@]}"; do
    if ! cmp -s "$tmp/swift/$f" "$here/swift/$f"; then
      echo "bindings/uniffi/swift/$f is not what the library generates; run bindings/uniffi/generate.sh" >&2
      status=1
    fi
  done
  exit $status
fi
for f in "${generated[@]}"; do
  cp "$tmp/swift/$f" "$here/swift/$f"
done
