'use strict';
// Loads the native addon through the loader `napi build` generates (native/index.cjs): a build in
// native/ when there is one (a checkout), else the platform package npm installed as an optional
// dependency (prove-sdk-linux-x64-gnu, ...). When neither loads, the generated loader only says it
// found no binding; the error thrown here names the platform detected, the platforms packages are
// published for, and what to do, and keeps the loader's error as `cause`.

const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const pkg = require('../package.json');

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm', riscv64gc: 'riscv64', powerpc64le: 'ppc64', s390x: 's390x' };

/** The napi-rs platform name of a Rust target triple: x86_64-unknown-linux-gnu → linux-x64-gnu. */
function platformOfTriple(triple) {
  const [cpu] = triple.split('-');
  const arch = ARCH[cpu] ?? cpu;
  if (triple.includes('-apple-darwin')) return `darwin-${arch}`;
  if (triple.includes('-windows-')) return `win32-${arch}-${triple.endsWith('-gnu') ? 'gnu' : 'msvc'}`;
  const m = /-linux-(gnu|musl)/.exec(triple);
  if (m) return `linux-${arch}-${m[1]}`;
  const os = /-(freebsd|android|openbsd|netbsd)/.exec(triple);
  return os ? `${os[1]}-${arch}` : triple;
}

/** The platforms this version's packages are published for (package.json `napi.targets`). */
const SUPPORTED = ((pkg.napi && pkg.napi.targets) || []).map(platformOfTriple);

/** The C library on Linux: 'musl' or 'gnu' (what napi's loader decides the same way). */
function linuxLibc() {
  try {
    if (readFileSync('/usr/bin/ldd', 'utf8').includes('musl')) return 'musl';
  } catch {}
  try {
    if (process.report) process.report.excludeNetwork = true;
    const report = process.report && process.report.getReport();
    if (report && report.header && report.header.glibcVersionRuntime) return 'gnu';
    if (report && Array.isArray(report.sharedObjects) && report.sharedObjects.some((f) => /libc\.musl-|ld-musl-/.test(f))) return 'musl';
  } catch {}
  return 'gnu';
}

/** This process's platform name as the packages spell it (linux-x64-gnu, darwin-arm64, ...). */
function detectPlatform() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
  if (platform === 'win32') {
    const v = (process.config && process.config.variables) || {};
    const gnu = v.shlib_suffix === 'dll.a' || v.node_target_type === 'shared_library';
    return `win32-${arch}-${gnu ? 'gnu' : 'msvc'}`;
  }
  return `${platform}-${arch}`;
}

/** The first line of each error in the loader's chain that is about a native candidate. */
function reasons(e) {
  const out = [];
  for (let c = e, depth = 0; c && depth < 30; c = c.cause, depth++) {
    const text = (c && typeof c.message === 'string' ? c.message : String(c)).split('\n')[0];
    if (/^Cannot find native binding|wasi/i.test(text) || out.includes(text)) continue;
    out.push(text);
  }
  return out.reverse();
}

/** The error for an addon that could not be loaded: what was detected and how to fix it. */
function loadError(cause) {
  const detected = detectPlatform();
  const packageName = `${pkg.name}-${detected}`;
  const supported = SUPPORTED.join(', ');
  const lines = [];
  let installed = null;
  try {
    installed = path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {}
  const checkout = existsSync(path.join(__dirname, '..', '..', 'bindings', 'node', 'Cargo.toml'));
  const buildHint = checkout
    ? 'In this checkout, build the addon with `npm run build` in node/ (needs Rust).'
    : 'To build the addon from source, see "Build from source" in the README of prove-sdk.';

  if (process.env.NAPI_RS_NATIVE_LIBRARY_PATH) {
    lines.push(`prove-sdk: the native addon named by NAPI_RS_NATIVE_LIBRARY_PATH (${process.env.NAPI_RS_NATIVE_LIBRARY_PATH}) could not be loaded.`);
  } else if (!SUPPORTED.includes(detected)) {
    lines.push(`prove-sdk: no native addon is published for this platform (${detected}).`);
    lines.push(`prove-sdk ${pkg.version} has native addons for: ${supported} (Linux gnu: glibc 2.17 or newer).`);
    lines.push(buildHint);
  } else if (installed) {
    lines.push(`prove-sdk: the native addon for this platform (${detected}) is installed (${packageName}) but could not be loaded.`);
    const installedVersion = (() => {
      try {
        return JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).version;
      } catch {
        return null;
      }
    })();
    if (installedVersion && installedVersion !== pkg.version) {
      lines.push(`Its version is ${installedVersion} and prove-sdk's is ${pkg.version}: reinstall so that both are ${pkg.version}.`);
    }
    if (reasons(cause).some((m) => /GLIBC_\d/.test(m))) {
      lines.push('The Linux (gnu) addons need glibc 2.17 or newer; on Alpine or another musl system, Node and the package must both be the musl ones.');
    }
    lines.push('Reinstall it: remove node_modules and run `npm install` again on this machine.');
  } else {
    lines.push(`prove-sdk: the native addon for this platform (${detected}) is not installed: the package ${packageName} is missing.`);
    lines.push(
      `npm installs it as an optional dependency of prove-sdk. It is left out when optional dependencies are omitted ` +
        `(\`npm install --omit=optional\`, \`--no-optional\`, \`npm ci --omit=optional\`), when node_modules or the lock file ` +
        `was made on another platform (copied from another machine or an image built for another platform), or by npm's ` +
        `known problem with optional dependencies in lock files (https://github.com/npm/cli/issues/4828).`,
    );
    lines.push(
      `Fix: reinstall on this machine without omitting optional dependencies (\`rm -rf node_modules && npm install\`; ` +
        `if that is not enough, remove package-lock.json as well), or add it directly: \`npm install ${packageName}@${pkg.version}\`.`,
    );
    lines.push(`prove-sdk ${pkg.version} has native addons for: ${supported} (Linux gnu: glibc 2.17 or newer).`);
    if (checkout) lines.push(buildHint);
  }
  const why = reasons(cause);
  if (why.length) lines.push('What the loader tried:', ...why.map((r) => `  - ${r}`));
  const error = new Error(lines.join('\n'));
  error.code = 'PROVE_SDK_NO_ADDON';
  error.platform = detected;
  error.supportedPlatforms = SUPPORTED.slice();
  error.cause = cause;
  return error;
}

let native;
try {
  native = require('../native/index.cjs');
} catch (e) {
  throw loadError(e);
}

module.exports = native;
