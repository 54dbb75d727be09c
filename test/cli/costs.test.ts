import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.js';
import { migrate } from '../../src/store/migrate.js';
import { anvilProviderOptions } from '../../src/llm/index.js';
import { createTestGateway } from '../helpers/gateway.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';

/** `anvil costs` reads the ledger of the embedded database: a table, or JSON with --json. */
describe('anvil costs', () => {
  it('reports calls, spend, cache hits and dollars saved, as a table and as JSON', async () => {
    const dataDir = join(temporaryFolder(), 'data');
    const db = await openPglite({ dataDir });
    await migrate(db);
    const test = await createTestGateway({}, { db });
    const model = test.gateway.models.resolve('simulated/chat').model;
    const call = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Summarize the ledger' }] }], providerOptions: anvilProviderOptions({}) };
    await model.doGenerate(call);
    await model.doGenerate(call);
    await test.close();
    await db.close();

    const json = await runCli(['costs', '--json', '--since', '2000-01-01'], { ANVIL_DATA_DIR: dataDir });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.totals).toMatchObject({ calls: 2, cache_hits: 1, calls_avoided: 1, cache_hit_rate: 0.5 });
    expect(report.totals.saved_usd).toBeGreaterThan(0);
    expect(report.by_kind).toEqual([expect.objectContaining({ kind: 'summarisation', calls: 2 })]);

    const text = await runCli(['costs'], { ANVIL_DATA_DIR: dataDir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('50.0% hits, 1 calls avoided');
    expect(text.stdout).toContain('simulated/chat');

    const bad = await runCli(['costs', '--since', 'yesterday-ish'], { ANVIL_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
  }, 120_000);
});
