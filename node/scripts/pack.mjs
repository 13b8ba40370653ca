// Packs the npm packages as they are published: the main package `prove-sdk` (JavaScript and
// types, no addon; `optionalDependencies` on every platform package at this exact version) and one
// package per built addon, from npm/<platform>/ (the folders `napi create-npm-dirs` writes).
//
//   node scripts/pack.mjs --out DIR [--addon FILE.node ...] [--all]
//
// Each addon file is named prove-sdk.<platform>.node (what `napi build --platform` writes), e.g.
// prove-sdk.linux-x64-gnu.node. --all refuses to pack unless there is an addon for every target in
// package.json's napi.targets (the release). Nothing is written into node/: the packages are staged
// under DIR. Prints one JSON object: {"main": {...}, "platforms": [{...}]}, each with the tarball's
// path, packed and unpacked sizes and file list.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const binaryName = pkg.napi.binaryName;

function fail(text) {
  console.error(`pack: ${text}`);
  process.exit(1);
}

const args = process.argv.slice(2);
let out = null;
let all = false;
const addons = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--addon') addons.push(args[++i]);
  else if (args[i] === '--all') all = true;
  else fail(`unknown argument ${args[i]} (usage: node scripts/pack.mjs --out DIR [--addon FILE.node ...] [--all])`);
}
if (!out) fail('--out DIR is required');
out = path.resolve(out);

// The platform packages: one folder per target, each named and versioned after the main package.
const npmDir = path.join(root, 'npm');
const platforms = readdirSync(npmDir).sort();
const platformPkgs = new Map();
for (const platform of platforms) {
  const p = JSON.parse(readFileSync(path.join(npmDir, platform, 'package.json'), 'utf8'));
  const file = `${binaryName}.${platform}.node`;
  if (p.name !== `${pkg.name}-${platform}`) fail(`npm/${platform}/package.json is named ${p.name}, not ${pkg.name}-${platform}`);
  if (p.version !== pkg.version) fail(`npm/${platform}/package.json has version ${p.version}, package.json ${pkg.version} (npx napi version)`);
  if (p.main !== file || JSON.stringify(p.files) !== JSON.stringify([file])) fail(`npm/${platform}/package.json must ship exactly ${file}`);
  platformPkgs.set(platform, p);
}
if (platforms.length !== pkg.napi.targets.length) {
  fail(`npm/ has ${platforms.length} platform folders for ${pkg.napi.targets.length} napi.targets (npx napi create-npm-dirs)`);
}

const byPlatform = new Map();
for (const a of addons) {
  const m = new RegExp(`^${binaryName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(.+)\\.node$`).exec(path.basename(a));
  if (!m || !platformPkgs.has(m[1])) fail(`${a}: not named ${binaryName}.<platform>.node for one of ${platforms.join(', ')}`);
  if (byPlatform.has(m[1])) fail(`two addons for ${m[1]}`);
  if (!existsSync(a)) fail(`${a} does not exist`);
  byPlatform.set(m[1], path.resolve(a));
}
if (all) {
  const missing = platforms.filter((p) => !byPlatform.has(p));
  if (missing.length) fail(`--all: no addon for ${missing.join(', ')}`);
}

/** npm itself: the one running this script when there is one (npm_execpath), else `npm` on PATH. */
function npm(npmArgs, opts) {
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) {
    return spawnSync(process.execPath, [process.env.npm_execpath, ...npmArgs], { encoding: 'utf8', ...opts });
  }
  return spawnSync('npm', npmArgs, { encoding: 'utf8', shell: process.platform === 'win32', ...opts });
}

function npmPack(dir) {
  const r = npm(['pack', '--json', '--pack-destination', out], { cwd: dir });
  if (r.status !== 0) fail(`npm pack in ${dir} failed:\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
  return {
    name: info.name,
    version: info.version,
    tarball: path.join(out, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
  };
}

const stage = path.join(out, 'stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// The main package: what `npm pack` takes from node/ (package.json `files`), less any addon a
// local build left in native/, plus the optional dependencies napi's pre-publish would add.
const dry = npm(['pack', '--dry-run', '--json'], { cwd: root });
if (dry.status !== 0) fail(`npm pack --dry-run failed:\n${dry.stderr}`);
const mainStage = path.join(stage, pkg.name);
for (const { path: f } of JSON.parse(dry.stdout.slice(dry.stdout.indexOf('[')))[0].files) {
  if (f.endsWith('.node') || f === 'package.json') continue;
  mkdirSync(path.dirname(path.join(mainStage, f)), { recursive: true });
  copyFileSync(path.join(root, f), path.join(mainStage, f));
}
const mainPkg = { ...pkg, optionalDependencies: {} };
for (const platform of platforms) mainPkg.optionalDependencies[platformPkgs.get(platform).name] = pkg.version;
writeFileSync(path.join(mainStage, 'package.json'), JSON.stringify(mainPkg, null, 2) + '\n');
const main = npmPack(mainStage);

const packed = [];
for (const [platform, addon] of byPlatform) {
  const dir = path.join(stage, platformPkgs.get(platform).name);
  cpSync(path.join(npmDir, platform), dir, { recursive: true });
  copyFileSync(addon, path.join(dir, `${binaryName}.${platform}.node`));
  packed.push({ platform, ...npmPack(dir) });
}
rmSync(stage, { recursive: true, force: true });
console.log(JSON.stringify({ main, platforms: packed }, null, 2));
