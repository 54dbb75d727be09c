import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/index.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { verifyAgentToken } from '../../src/security/agents/index.js';
import type { Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';

/** `anvil agents invite|list|revoke` on an embedded database folder, checked from inside. */
describe('anvil agents', () => {
  async function withFolder<T>(dataDir: string, work: (db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase(testConfig({ database: { dataDir } }).database, 'cli');
    try {
      await migrate(db);
      return await work(db);
    } finally {
      await db.close();
    }
  }

  it('invites an agent with a token shown once, lists it without the token, and revokes it', async () => {
    const dataDir = temporaryFolder();
    const runId = await withFolder(dataDir, async (db) => {
      await registerWorkflow(db, parse(await readFile('examples/quickstart.yaml', 'utf8')));
      return (await startRun(db, { workflow: 'quickstart', goal: 'agents from the command line', simulated: true })).id;
    });
    const env = { ANVIL_DATA_DIR: dataDir };

    const invited = await runCli(['agents', 'invite', runId, '--name', 'codex', '--ttl', '2h', '--json'], env);
    expect(invited.code, invited.stderr).toBe(0);
    const agent = JSON.parse(invited.stdout) as { id: string; token: string; state: string; expires_at: string; worker_id: string };
    expect(agent).toMatchObject({ state: 'active', worker_id: expect.stringMatching(/^mcp:[0-9a-f]{12}$/) });
    expect(agent.token).toMatch(/^anvil_agent_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(Math.abs(new Date(agent.expires_at).getTime() - Date.now() - 2 * 3_600_000)).toBeLessThan(120_000);
    expect(await withFolder(dataDir, (db) => verifyAgentToken(db, agent.token))).toMatchObject({ agent: { id: agent.id, runId } });

    const listed = await runCli(['agents', 'list', runId], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${agent.id}  anvil_agent_${agent.worker_id.slice(4)}_…  codex  active`);
    expect(listed.stdout).not.toContain(agent.token.replace(/^anvil_agent_[^_]+_/, ''));

    const revoked = await runCli(['agents', 'revoke', agent.id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${agent.id} (codex)`);
    expect(await withFolder(dataDir, (db) => verifyAgentToken(db, agent.token))).toEqual({ refused: 'revoked' });

    const bad = await runCli(['agents', 'invite', runId, '--ttl', 'soon'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ttl');
    const unknown = await runCli(['agents', 'invite', '00000000-0000-4000-8000-000000000000'], env);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, 'anvil: run 00000000-0000-4000-8000-000000000000 not found']);
  }, 240_000);
});
