#!/usr/bin/env bash
# Runs every test of the project. Usage: scripts/test.sh
# Needs: Rust (cargo), Python 3 with PyYAML, Node.js >= 20 with npm, readelf. Installs the
# conformance suite's and the Node package's npm packages when missing; the Node package check
# installs zig and cargo-zigbuild from PyPI under target/. Lints the GitHub workflows when
# actionlint is installed (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

step() { printf '\n==> %s\n' "$*"; }

# The work tree as the tests find it: status plus the contents of every changed or untracked,
# non-ignored file. The last step compares it again, so the tests must not write into the tree.
tree_state() {
  git --no-optional-locks status --porcelain --untracked-files=all
  git ls-files -z --modified --others --exclude-standard | while IFS= read -r -d '' f; do
    if [ -f "$f" ]; then printf '%s %s\n' "$(git hash-object -- "$f")" "$f"; fi
  done
}
in_git_tree=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git_tree=true
  tree_before="$(tree_state)"
fi

# napi's build always passes --target, which puts its output under target/<triple>/. Building
# everything for that same explicit target lets every step share one set of compiled crates.
host_triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host_triple}"
target_dir="${CARGO_TARGET_DIR:-target}"; [[ "$target_dir" = /* ]] || target_dir="$PWD/$target_dir"
export PROVE_SANDBOX_BIN="${PROVE_SANDBOX_BIN:-$target_dir/$CARGO_BUILD_TARGET/debug/prove-sandbox}"

# Generated files must match the API description in spec/ (tools/codegen/gen_models.py).
step "generated models are up to date"
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "tools/codegen/gen_models.py needs Python 3 with PyYAML: python3 -m pip install pyyaml" >&2
  exit 1
fi
python3 tools/codegen/gen_models.py >/dev/null
git diff --exit-code -- core/src/models/generated.rs core/src/models/meta.rs core/src/ops.rs tests/schema/api.json

step "formatting (rustfmt.toml) and lints (clippy, warnings are errors)"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p prove-core --features uniffi --all-targets --locked -- -D warnings

step "cargo test --workspace"
cargo test --workspace --locked

step "prove-core with the uniffi feature (Kotlin/Swift records and enums)"
cargo test -p prove-core --features uniffi --locked

step "conformance against Prove's official TypeScript SDK"
cargo build -p prove-sandbox --locked
if [ ! -d tests/conformance/node_modules ]; then
  (cd tests/conformance && npm ci --no-audit --no-fund)
fi
(cd tests/conformance && npm test)

step "generated files of every language match the core (tools/typegen); the generated Python code"
cargo run -q --locked -p prove-typegen -- check
python3 -B python/tests/test_generated.py

step "python package: native module (debug) in a fresh venv under target/, pytest, mypy --strict"
# The module must survive os.fork(): tokio's parking_lot feature parks threads in one process-wide
# table that a fork can leave locked or half-rehashed in the child, so it must not be built in.
if cargo tree -p prove-python --locked -e features -i tokio | grep -q 'tokio feature "parking_lot"'; then
  echo "prove-python builds tokio with parking_lot (not fork-safe); see sandbox/Cargo.toml" >&2
  exit 1
fi
python/scripts/test.sh

step "kotlin and swift (bindings/uniffi): sources generated from the library (Swift drift-checked), mvn test, the jar in a fresh project"
# Maven resolves everything from Maven Central (JDK 17 and Maven come with the machine).
command -v mvn >/dev/null || { echo "bindings/uniffi/kotlin needs Maven and a JDK 17 or newer" >&2; exit 1; }
bindings/uniffi/generate.sh --check
(cd bindings/uniffi/kotlin && mvn -q -B install && mvn -q -B -f jar-check/pom.xml test)

step "node package: napi addon (debug), node --test"
if [ ! -d node/node_modules ]; then
  (cd node && npm ci --no-audit --no-fund)
fi
(cd node && npm run build)
(cd node && npm test)

step "node packages as published: linux-x64-gnu addon linked against glibc 2.17 (zig), packed with the main package, installed offline, Pre-Fill flow, load errors"
scripts/node-package-check.sh

step "node Express example over HTTP"
if [ ! -d node/examples/express/node_modules ]; then
  (cd node/examples/express && npm ci --no-audit --no-fund)
fi
(cd node/examples/express && npm test)

step "GitHub workflows (actionlint)"
actionlint_bin="$(command -v actionlint || true)"
if [ -z "$actionlint_bin" ] && command -v go >/dev/null && [ -x "$(go env GOPATH)/bin/actionlint" ]; then
  actionlint_bin="$(go env GOPATH)/bin/actionlint"
fi
if [ -n "$actionlint_bin" ]; then
  "$actionlint_bin" .github/workflows/*.yml
  echo "actionlint $("$actionlint_bin" -version | head -1): $(ls .github/workflows/*.yml | tr '\n' ' ')"
else
  echo "skipped: actionlint is not installed (.ci/run installs it: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)"
fi

step "the tests left the git tree as they found it"
if [ "$in_git_tree" = true ]; then
  tree_after="$(tree_state)"
  if [ "$tree_after" != "$tree_before" ]; then
    git --no-optional-locks status --porcelain --untracked-files=all
    echo "the tests changed tracked files or left untracked files; what changed since the start:" >&2
    diff <(printf '%s\n' "$tree_before") <(printf '%s\n' "$tree_after") >&2 || true
    exit 1
  fi
else
  echo "skipped: not inside a git work tree"
fi

step "all tests passed"
