// Runs one benchmark (or all) from bench/: `npm run bench -- NAME [args]`, `npm run bench -- all`.
// Each benchmark prints its table and rewrites its own section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'bench', entry.name, 'index.ts')))
  .map((entry) => entry.name);
if (!name || (name !== 'all' && !available.includes(name))) {
  console.error(`usage: npm run bench -- <${available.join('|')}|all> [options]`);
  process.exit(2);
}
for (const benchmark of name === 'all' ? available : [name]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', benchmark, 'index.ts'), ...rest], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
