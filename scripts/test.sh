#!/usr/bin/env bash
# Runs every test of the project. Usage: scripts/test.sh
# Needs: Rust (cargo), Node.js >= 20 with npm. Installs the conformance suite's and the Node package's
# npm packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

step() { printf '\n==> %s\n' "$*"; }

# Generated files must match the API reference when the reference is available.
ref="${PROVE_API_REFERENCE:-../shared/prove-api/operations.yaml}"
if [ -f "$ref" ] && python3 -c 'import yaml' 2>/dev/null; then
  step "generated models are up to date"
  python3 tools/codegen/gen_models.py "$ref" >/dev/null
  git diff --exit-code -- core/src/models/generated.rs core/src/ops.rs tests/schema/api.json
fi

step "cargo test --workspace"
cargo test --workspace --locked

step "conformance against Prove's official TypeScript SDK"
cargo build -p prove-sandbox --locked
if [ ! -d tests/conformance/node_modules ]; then
  (cd tests/conformance && npm ci --no-audit --no-fund)
fi
(cd tests/conformance && PROVE_SANDBOX_BIN="$PWD/../../target/debug/prove-sandbox" npm test)

step "node package: generated types, napi addon (debug), node --test"
# napi passes --target (CARGO_BUILD_TARGET, else the host), so the addon builds under target/<triple>/.
host_triple="$(rustc -vV | sed -n 's/^host: //p')"
if [ ! -d node/node_modules ]; then
  (cd node && npm ci --no-audit --no-fund)
fi
(cd node && node scripts/typegen.mjs --check)
(cd node && CARGO_BUILD_TARGET="$host_triple" npm run build)
(cd node && PROVE_SANDBOX_BIN="$PWD/../target/debug/prove-sandbox" npm test)

step "all tests passed"
