import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-llm-upstream.js';
import { redisUrl } from '../helpers/services.js';

/**
 * Reserve-then-settle across processes: two processes sharing Redis fire 50 concurrent calls at
 * a daily tenant budget that fits 10. At least 9 succeed and at most 11 reach the provider.
 */
const url = redisUrl();
if (url) {
  describe('the budget race across two processes', () => {
    let upstream: FakeUpstream;
    beforeAll(async () => {
      upstream = await startFakeUpstream();
    });
    afterAll(async () => {
      await upstream.close();
    });

    it('lets at least 9 and at most 11 of 50 concurrent calls through a budget that fits 10', async () => {
      // Each call: 13 prompt tokens (as estimated: 36 characters / 4 + 4 per message) and 100 output
      // tokens on gpt-4o-mini = $0.00006195; the budget fits exactly ten.
      for (let index = 0; index < 60; index++) upstream.script({ kind: 'answer', usage: { prompt: 13, completion: 100 } });
      const budget = 10 * ((13 * 0.15 + 100 * 0.6) / 1e6);
      const keyPrefix = `anvil-test-${randomBytes(4).toString('hex')}:`;
      const children = [0, 1].map(() =>
        spawn(process.execPath, ['--import', 'tsx', 'test/helpers/budget-race-child.ts'], {
          env: { ...process.env, REDIS_URL: url, KEY_PREFIX: keyPrefix, UPSTREAM_URL: upstream.url, BUDGET_USD: String(budget), CALLS: '25' },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      );
      let markReady: () => void = () => {};
      const bothReady = new Promise<void>((resolve) => {
        let ready = 0;
        markReady = () => {
          if (++ready === 2) resolve();
        };
      });
      const results = children.map(
        (child) =>
          new Promise<{ succeeded: number; refused: number; other: number }>((resolve, reject) => {
            let output = '';
            child.stdout!.on('data', (chunk) => {
              if (output === '' && String(chunk).startsWith('ready')) markReady();
              output += chunk;
            });
            child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1)!)) : reject(new Error(`child exited ${code}: ${output}`))));
          }),
      );
      await bothReady;
      for (const child of children) child.stdin!.end('go\n');
      const [first, second] = await Promise.all(results);
      const succeeded = first!.succeeded + second!.succeeded;
      expect(first!.other + second!.other).toBe(0);
      expect(succeeded).toBeGreaterThanOrEqual(9);
      expect(upstream.requests.length).toBeLessThanOrEqual(11);
      expect(first!.succeeded + first!.refused + second!.succeeded + second!.refused).toBe(50);
    }, 120_000);
  });
}
