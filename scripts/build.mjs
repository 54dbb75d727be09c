// Builds the dashboard (web/ → web/dist, with Vite), compiles the server to dist/ and copies the
// assets tsc does not (SQL migrations, the dashboard's build).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as buildDashboard } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await buildDashboard({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn' });
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(join(root, 'src/store/migrations'), join(root, 'dist/store/migrations'), {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
const webBuild = join(root, 'web/dist');
if (existsSync(webBuild)) cpSync(webBuild, join(root, 'dist/web'), { recursive: true });
