// Builds the native addon with @napi-rs/cli into node/native/ (debug unless --release).
// The workspace's one target dir is used; napi passes --target, so the artifacts land under
// target/<triple>/ (set CARGO_BUILD_TARGET to the same triple for other cargo steps to share them).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = [
  'napi', 'build', '--platform',
  '--manifest-path', '../bindings/node/Cargo.toml',
  '--package-json-path', 'package.json',
  '--output-dir', 'native',
  '--js', 'index.cjs',
  '--dts', 'index.d.ts',
  ...process.argv.slice(2),
];
const started = Date.now();
const r = spawnSync('npx', ['--no-install', ...args], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`addon built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
