// The npm packages as they are published (scripts/pack.mjs): the main package and this platform's
// package, installed offline into a fresh folder, run the Pre-Fill flow against the sandbox. Loading
// where no package fits (a platform without one, this platform with its package left out, a package
// that does not load) fails with an error naming the platform detected, the supported ones and the
// fix. The addon packed is PROVE_SDK_ADDON when set (scripts/node-package-check.sh passes the
// release-style linux-x64-gnu build), else the build in native/ (`npm run build`).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { PKG_ROOT, startSandbox } from './helpers/sandbox.mjs';

const pkg = JSON.parse(readFileSync(path.join(PKG_ROOT, 'package.json'), 'utf8'));
const PLATFORMS = readdirSync(path.join(PKG_ROOT, 'npm')).sort();

function theAddon() {
  if (process.env.PROVE_SDK_ADDON) return path.resolve(process.env.PROVE_SDK_ADDON);
  const built = readdirSync(path.join(PKG_ROOT, 'native')).filter((f) => f.endsWith('.node'));
  assert.equal(built.length, 1, `one addon in node/native (npm run build), found: ${built.join(', ') || 'none'}`);
  return path.join(PKG_ROOT, 'native', built[0]);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** npm itself: the one running the tests when there is one (npm_execpath), else `npm` on PATH. */
function npm(args, opts) {
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) return run(process.execPath, [process.env.npm_execpath, ...args], opts);
  return run('npm', args, { shell: process.platform === 'win32', ...opts });
}

/** A fresh folder with a package.json and `npm install --offline <tarballs>` done in it. */
function installInto(dir, tarballs, extra = []) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  npm(['install', '--offline', '--no-audit', '--no-fund', ...extra, ...tarballs], { cwd: dir });
  return dir;
}

const PRELOAD = `
const [platform, arch] = (process.env.FAKE_PLATFORM || '').split('-');
if (platform) Object.defineProperty(process, 'platform', { value: platform });
if (arch) Object.defineProperty(process, 'arch', { value: arch });
`;

/** Runs `node [-r preload] -e script` in `cwd`; resolves with exit code and output. */
function runNode(script, { cwd, fake } = {}) {
  const args = fake ? ['--require', path.join(work, 'fake-platform.cjs'), '-e', script] : ['-e', script];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, FAKE_PLATFORM: fake ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The error `require('prove-sdk')` (or `import`) throws in `cwd`, as {code, platform, supported, message}. */
async function loadError(cwd, { fake, esm = false } = {}) {
  const load = esm ? `await import('prove-sdk')` : `require('prove-sdk')`;
  const r = await runNode(
    `(async () => { try { ${load}; console.log(JSON.stringify({ loaded: true })); } catch (e) {
      console.log(JSON.stringify({ code: e.code, platform: e.platform, supported: e.supportedPlatforms, message: e.message, cause: !!e.cause }));
    } })();`,
    { cwd, fake },
  );
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

let sb;
let work;
let packed;
let app;
const addon = theAddon();
const hostPlatform = /^prove-sdk\.(.+)\.node$/.exec(path.basename(addon))?.[1];

before(async () => {
  sb = await startSandbox();
  work = mkdtempSync(path.join(tmpdir(), 'prove-sdk-packages-'));
  writeFileSync(path.join(work, 'fake-platform.cjs'), PRELOAD);
  packed = JSON.parse(run(process.execPath, [path.join(PKG_ROOT, 'scripts', 'pack.mjs'), '--out', path.join(work, 'dist'), '--addon', addon]));
  app = installInto(path.join(work, 'app'), [packed.main.tarball, packed.platforms[0].tarball]);
});
after(async () => {
  await sb?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm/ holds exactly what `napi create-npm-dirs` writes for the napi.targets of package.json', () => {
  const fresh = path.join(work, 'create-npm-dirs');
  mkdirSync(fresh);
  copyFileSync(path.join(PKG_ROOT, 'package.json'), path.join(fresh, 'package.json'));
  run(process.execPath, [path.join(PKG_ROOT, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js'), 'create-npm-dirs', '--cwd', fresh]);
  const generated = readdirSync(path.join(fresh, 'npm')).sort();
  assert.deepEqual(PLATFORMS, generated);
  assert.deepEqual(PLATFORMS, ['darwin-arm64', 'darwin-x64', 'linux-arm64-gnu', 'linux-arm64-musl', 'linux-x64-gnu', 'linux-x64-musl', 'win32-x64-msvc']);
  for (const platform of PLATFORMS) {
    for (const f of ['package.json', 'README.md']) {
      assert.equal(
        readFileSync(path.join(PKG_ROOT, 'npm', platform, f), 'utf8'),
        readFileSync(path.join(fresh, 'npm', platform, f), 'utf8'),
        `npm/${platform}/${f} is out of date: run \`npx napi create-npm-dirs\` in node/`,
      );
    }
  }
});

test('the main package ships no addon and depends on every platform package at its exact version', () => {
  const { main, platforms } = packed;
  assert.ok(!main.files.some((f) => f.endsWith('.node')), main.files.join(', '));
  for (const f of ['package.json', 'README.md', 'lib/index.cjs', 'lib/index.mjs', 'lib/index.d.ts', 'lib/addon.cjs', 'lib/generated/types.d.ts', 'native/index.cjs', 'native/index.d.ts']) {
    assert.ok(main.files.includes(f), `${f} is packed`);
  }
  assert.ok(!main.files.some((f) => /^(test|scripts|npm|node_modules|examples)\//.test(f)), main.files.join(', '));
  const installed = JSON.parse(readFileSync(path.join(app, 'node_modules', 'prove-sdk', 'package.json'), 'utf8'));
  assert.deepEqual(installed.optionalDependencies, Object.fromEntries(PLATFORMS.map((p) => [`prove-sdk-${p}`, pkg.version])));

  assert.equal(platforms.length, 1);
  const [platform] = platforms;
  assert.equal(platform.platform, hostPlatform);
  assert.deepEqual(platform.files, ['README.md', 'package.json', `prove-sdk.${hostPlatform}.node`]);
  const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules', `prove-sdk-${hostPlatform}`, 'package.json'), 'utf8'));
  const [os, arch, abi] = hostPlatform.split('-');
  assert.equal(manifest.version, pkg.version);
  assert.deepEqual(manifest.os, [os]);
  assert.deepEqual(manifest.cpu, [arch]);
  assert.deepEqual(manifest.libc, abi === 'gnu' ? ['glibc'] : abi === 'musl' ? ['musl'] : undefined);
  console.log(`# ${path.basename(main.tarball)}: ${(main.size / 1e3).toFixed(0)} kB; ${path.basename(platform.tarball)}: ${(platform.size / 1e6).toFixed(1)} MB packed, ${(platform.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
});

test('installed offline from the two tarballs, the package runs the Pre-Fill flow (CommonJS and ESM)', async () => {
  assert.ok(!readdirSync(path.join(app, 'node_modules', 'prove-sdk', 'native')).some((f) => f.endsWith('.node')), 'the addon can only come from the platform package');
  const cjs = await runNode(
    `const { ProveClient } = require('prove-sdk');
    (async () => {
      const c = new ProveClient(${JSON.stringify(sb.config())});
      const s = await c.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
      const v = await c.flow.validate({ correlationId: s.correlationId });
      const ch = await c.flow.challenge({ correlationId: s.correlationId, dob: '1981-01-17' });
      const done = await c.flow.complete({ correlationId: s.correlationId, individual: { firstName: ch.individual.firstName, lastName: ch.individual.lastName } });
      console.log(JSON.stringify({ validated: v.success, challenge: 'v3-challenge' in v.next, completed: done.success, addon: require.resolve('prove-sdk-${hostPlatform}') }));
    })().catch((e) => { console.error(e); process.exit(1); });`,
    { cwd: app },
  );
  assert.equal(cjs.code, 0, cjs.stderr);
  const out = JSON.parse(cjs.stdout);
  assert.deepEqual({ ...out, addon: undefined }, { validated: true, challenge: true, completed: true, addon: undefined });
  assert.equal(realpathSync(out.addon), realpathSync(path.join(app, 'node_modules', `prove-sdk-${hostPlatform}`, `prove-sdk.${hostPlatform}.node`)));
  const mjs = await runNode(
    `import('prove-sdk').then(async ({ ProveClient, ValidationError }) => {
      const e = await new ProveClient(${JSON.stringify(sb.config())}).flow.start({ flowType: 'tablet' }).catch((x) => x);
      console.log(e instanceof ValidationError);
    });`,
    { cwd: app },
  );
  assert.equal(mjs.code, 0, mjs.stderr);
  assert.equal(mjs.stdout.trim(), 'true');
});

function assertSupportedListed(e) {
  assert.deepEqual(e.supported, ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc']);
  assert.match(e.message, new RegExp(`has native addons for: ${e.supported.join(', ')} \\(Linux gnu: glibc 2\\.17 or newer\\)`));
}

for (const [fake, detected] of [
  ['freebsd-x64', 'freebsd-x64'],
  ['linux-riscv64', 'linux-riscv64-gnu'],
  ['win32-arm64', 'win32-arm64-msvc'],
]) {
  test(`on a platform with no package (simulated ${detected}) loading fails naming it, the supported platforms and what to do`, async () => {
    for (const esm of [false, true]) {
      const e = await loadError(app, { fake, esm });
      assert.equal(e.code, 'PROVE_SDK_NO_ADDON', JSON.stringify(e));
      assert.equal(e.platform, detected);
      assert.ok(e.cause, 'the loader error is kept as cause');
      assert.match(e.message, new RegExp(`^prove-sdk: no native addon is published for this platform \\(${detected}\\)\\.`));
      assertSupportedListed(e);
      assert.match(e.message, /Build from source/);
      assert.match(e.message, new RegExp(`Cannot find module 'prove-sdk-${detected}'`), 'shows what the loader tried');
    }
  });
}

test('on this platform with its package left out (npm install --omit=optional) loading says it is missing and how to fix it', async () => {
  const bare = installInto(path.join(work, 'bare'), [packed.main.tarball], ['--omit=optional']);
  assert.ok(!existsSync(path.join(bare, 'node_modules', `prove-sdk-${hostPlatform}`)));
  const e = await loadError(bare);
  assert.equal(e.code, 'PROVE_SDK_NO_ADDON', JSON.stringify(e));
  assert.equal(e.platform, hostPlatform, "the platform detected is the one napi's build named the addon for");
  assert.match(e.message, new RegExp(`the native addon for this platform \\(${hostPlatform}\\) is not installed: the package prove-sdk-${hostPlatform} is missing`));
  assert.match(e.message, /--omit=optional/);
  assert.match(e.message, new RegExp(`npm install prove-sdk-${hostPlatform}@${pkg.version.replace(/\./g, '\\.')}`));
  assertSupportedListed(e);

  // A supported platform whose package is not there: node_modules installed on this machine, used
  // on another (simulated darwin-arm64).
  const other = await loadError(app, { fake: 'darwin-arm64' });
  assert.equal(other.platform, 'darwin-arm64');
  assert.match(other.message, /the package prove-sdk-darwin-arm64 is missing/);
  assert.match(other.message, /another platform/);
});

test('an installed platform package whose addon does not load: the error says so and shows why', async () => {
  const broken = installInto(path.join(work, 'broken'), [packed.main.tarball], ['--omit=optional']);
  const dir = path.join(broken, 'node_modules', `prove-sdk-${hostPlatform}`);
  cpSync(path.join(PKG_ROOT, 'npm', hostPlatform), dir, { recursive: true });
  writeFileSync(path.join(dir, `prove-sdk.${hostPlatform}.node`), 'not a shared library');
  const e = await loadError(broken);
  assert.equal(e.code, 'PROVE_SDK_NO_ADDON', JSON.stringify(e));
  assert.match(e.message, new RegExp(`\\(${hostPlatform}\\) is installed \\(prove-sdk-${hostPlatform}\\) but could not be loaded`));
  // What the system's loader said about the file (its wording differs between Linux, macOS and Windows).
  const tried = e.message.split('\n').filter((l) => l.startsWith('  - '));
  assert.ok(tried.some((l) => !l.includes('Cannot find module') && l.includes(`prove-sdk.${hostPlatform}.node`)), tried.join('\n'));
});
