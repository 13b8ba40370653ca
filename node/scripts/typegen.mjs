// Regenerates every generated file of every language from prove-core's metadata (tools/typegen):
// node/lib/generated/, node/lib/errors.cjs and python/prove_sdk/_generated/.
// With --check, fails (exit 1) listing the files that differ from what the core describes.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const command = process.argv.includes('--check') ? 'check' : 'write';

const r = spawnSync('cargo', ['run', '--quiet', '--locked', '-p', 'prove-typegen', '--', command], {
  cwd: repo,
  stdio: 'inherit',
});
if (r.error) {
  console.error(`prove-typegen ${command}: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
