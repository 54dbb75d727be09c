import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startTestRun } from '../helpers/fixtures.js';

describe('anvil memories', () => {
  it('searches a run’s memories, saying whether the search was hybrid, and lists them', async () => {
    const dataDir = join(temporaryFolder(), 'data');
    const runtime = await createRuntime(testConfig({ database: { dataDir } }));
    let runId: string;
    try {
      runId = (await startTestRun(runtime.db)).id;
      await runtime.memory.save({ runId, taskId: null, kind: 'error_fix', text: 'PostgreSQL connection timed out under load; a larger pool fixed it' });
      await runtime.memory.save({ runId, taskId: null, kind: 'decision', text: 'The dashboard offers a dark theme' });
    } finally {
      await runtime.close();
    }
    const env = { ANVIL_DATA_DIR: dataDir };

    const hybrid = await runCli(['memories', 'search', runId, 'postgres timeouts'], env);
    expect(hybrid.stderr).toBe('');
    expect(hybrid.code).toBe(0);
    expect(hybrid.stdout).toMatch(/^search: hybrid: full text and simulated\/lexical embeddings \(vectors in pgvector\)\n/);
    expect(hybrid.stdout.split('\n')[1]).toMatch(/\[error_fix\]\s+PostgreSQL connection timed out/);

    const fullText = await runCli(['memories', 'search', runId, 'dark theme', '--json'], { ...env, ANVIL_EMBEDDING_MODEL: 'none' });
    expect(JSON.parse(fullText.stdout)).toMatchObject({ mode: 'full_text', memories: [{ kind: 'decision' }] });

    const listed = await runCli(['memories', 'list', '--run', runId, '--kind', 'decision'], env);
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);

    const bad = await runCli(['memories', 'search', runId, 'x', '--kind', 'rumour'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--kind: expected one of discovery/);
  }, 120_000);
});
