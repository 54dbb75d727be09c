import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireFolderLock } from '../../src/store/folder-lock.js';
import { runCli, startCli, temporaryFolder } from '../helpers/cli.js';

describe('the anvil command', () => {
  it('validates workflow files: exit 0 when valid, 2 with path and line for each problem', async () => {
    const folder = temporaryFolder();
    const bad = join(folder, 'bad.yaml');
    writeFileSync(bad, 'name: demo\nfirst_task: { title: t }\nphases:\n  - key: a\n    name: A\n  - key: b\n    name: B\n    max_concurrency: 0\n');
    const good = await runCli(['workflows', 'validate', 'examples/quickstart.yaml']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ok (quickstart v1, 3 phases)');
    const result = await runCli(['workflows', 'validate', bad]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`${bad}:8: phases[1].max_concurrency: expected a positive integer`);
  });

  it('stops with exit 2 and names the setting when the configuration is invalid', async () => {
    const result = await runCli(['migrate'], { ANVIL_PORT: 'eighty', ANVIL_DATA_DIR: temporaryFolder() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/server\.port \(ANVIL_PORT\)/);
  });

  it('refuses to open an embedded database folder another process holds, and says who holds it', async () => {
    const folder = temporaryFolder();
    const lock = acquireFolderLock(folder);
    try {
      const result = await runCli(['migrate'], { ANVIL_DATA_DIR: folder });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      lock.release();
    }
  });

  it('runs the quick start to success and ends stdout with one JSON summary', async () => {
    const result = await runCli(['run', 'examples/quickstart.yaml', '--goal', 'add a streaming mode', '--json'], { ANVIL_DATA_DIR: temporaryFolder(), ANVIL_RETRY_BASE_MS: '50' });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!);
    expect(summary).toMatchObject({ status: 'succeeded', simulated: true });
    expect(Object.keys(summary).sort()).toEqual(['cost_usd', 'phases', 'run_id', 'simulated', 'status', 'tasks', 'tokens']);
    expect(Object.values(summary.phases as Record<string, { done: number }>).filter((phase) => phase.done > 0)).toHaveLength(3);
    expect(summary.tasks.done).toBe(summary.tasks.total);
    expect(result.stderr).toContain('SIMULATED');
  }, 90_000);

  it('answers bad usage with exit 2', async () => {
    expect((await runCli(['run', 'examples/quickstart.yaml'])).code).toBe(2);
    expect((await runCli(['run', 'examples/missing.yaml', '--goal', 'g'], { ANVIL_DATA_DIR: temporaryFolder() })).code).toBe(2);
    expect((await runCli(['run', 'examples/quickstart.yaml', '--goal', 'g', '--param', 'nonsense'], { ANVIL_DATA_DIR: temporaryFolder() })).code).toBe(2);
  });

  it('pauses a run on Ctrl-C with exit 3 and the command to resume it, which then finishes it', async () => {
    const dataDir = temporaryFolder();
    const env = { ANVIL_DATA_DIR: dataDir, ANVIL_SIMULATED_LATENCY_MS: '150', ANVIL_RETRY_BASE_MS: '50' };
    const { child, done } = startCli(['run', 'examples/quickstart.yaml', '--goal', 'g', '--json'], env);
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        if (chunk.toString().includes('running 1')) {
          child.stderr!.off('data', onData);
          resolve();
        }
      };
      child.stderr!.on('data', onData);
    });
    child.kill('SIGINT');
    const paused = await done;
    expect(paused.code).toBe(3);
    expect(paused.stderr).toMatch(/resume it with {2}npx --no-install anvil runs resume [0-9a-f-]{36}/);
    const runId = JSON.parse(paused.stdout.trim().split('\n').pop()!).run_id as string;
    const resumed = await runCli(['runs', 'resume', runId, '--json'], env);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').pop()!).status).toBe('succeeded');
  }, 120_000);
});
