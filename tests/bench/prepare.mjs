// Builds what the benchmark measures: the sandbox emulator in release mode
// (target/release/prove-sandbox) and the prove-sdk addon with the Cargo profile the published addon
// is built with (`dist`, see the root Cargo.toml; PROVE_BENCH_PROFILE=release measures the release
// profile instead), then assembles a copy of the package (node/lib + package.json + that addon)
// under .addon/prove-sdk, leaving node/native (the debug build the tests use) alone. Skipped when
// PROVE_SDK_DIR names a package to measure instead.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT, RELEASE_PKG, sandboxBinary } from './common.mjs';

const NODE_DIR = path.join(REPO_ROOT, 'node');
const BUILD_DIR = path.resolve(RELEASE_PKG, '..', '..', '.addon-build');
const PROFILE = process.env.PROVE_BENCH_PROFILE || 'dist';

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
}

sandboxBinary(); // builds target/release/prove-sandbox when missing

if (process.env.PROVE_SDK_DIR) {
  console.log(`measuring the package at ${process.env.PROVE_SDK_DIR} (PROVE_SDK_DIR)`);
} else {
  if (!existsSync(path.join(NODE_DIR, 'node_modules', '@napi-rs'))) run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: NODE_DIR });
  const host = /^host: (\S+)$/m.exec(spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  if (process.env.PROVE_BENCH_SKIP_BUILD === '1' && existsSync(BUILD_DIR)) {
    console.log('using the addon already in .addon-build (PROVE_BENCH_SKIP_BUILD=1)');
  } else {
    console.log(`building the prove-sdk addon (profile ${PROFILE})...`);
    rmSync(BUILD_DIR, { recursive: true, force: true });
    const started = Date.now();
    run(
      'npx',
      ['--no-install', 'napi', 'build', '--platform', '--profile', PROFILE, '--manifest-path', '../bindings/node/Cargo.toml', '--package-json-path', 'package.json', '--output-dir', BUILD_DIR, '--js', 'index.cjs', '--dts', 'index.d.ts'],
      { cwd: NODE_DIR, env: { ...process.env, ...(host ? { CARGO_BUILD_TARGET: host } : {}) } },
    );
    console.log(`addon built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  rmSync(RELEASE_PKG, { recursive: true, force: true });
  mkdirSync(path.join(RELEASE_PKG, 'native'), { recursive: true });
  cpSync(path.join(NODE_DIR, 'package.json'), path.join(RELEASE_PKG, 'package.json'));
  cpSync(path.join(NODE_DIR, 'lib'), path.join(RELEASE_PKG, 'lib'), { recursive: true });
  for (const f of readdirSync(BUILD_DIR)) cpSync(path.join(BUILD_DIR, f), path.join(RELEASE_PKG, 'native', f));
  const addon = readdirSync(BUILD_DIR).find((f) => f.endsWith('.node'));
  const mb = (statSync(path.join(BUILD_DIR, addon)).size / 1e6).toFixed(2);
  console.log(`package assembled at ${path.relative(process.cwd(), RELEASE_PKG)} (${addon}: ${mb} MB)`);
}
