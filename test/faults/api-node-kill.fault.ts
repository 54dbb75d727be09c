import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/orchestrator/runs.js';
import { awaitOutcome } from './harness/outcome.js';
import { recordScenario } from './harness/report.js';
import { follow } from './harness/sse-follower.js';
import { describeStack, scenarioResult, startStack, type Stack } from './harness/stack.js';

/**
 * An API node killed (SIGKILL) while clients stream run events from it. Events reach every node
 * through PostgreSQL NOTIFY and are read from the events table, so the clients reconnect to the
 * other node with Last-Event-ID and carry on: each sees its run's events 1..N, in order, with no
 * gap and no duplicate, and the `end` event.
 */
describe('an API node killed while clients stream events', () => {
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('lets every client resume from the other node with no gap or duplicate', async () => {
    stack = await startStack({ apis: 2, workers: 2, env: { ANVIL_SIMULATED_LATENCY_MS: '250' } });
    const [nodeA, nodeB] = stack.apis as [(typeof stack.apis)[number], (typeof stack.apis)[number]];
    const runIds: string[] = [];
    for (let index = 0; index < 5; index++) runIds.push((await startRun(stack.db, { workflow: 'crash-fanout', goal: `stream ${index}`, simulated: true })).id);
    const alive = () => [nodeA, nodeB].filter((node) => node.process.exitCode === null && node.process.signalCode === null).map((node) => node.baseUrl);
    // Four clients per run, all starting on node A.
    const followers = runIds.flatMap((runId) => Array.from({ length: 4 }, () => follow(runId, () => [nodeA.baseUrl, nodeB.baseUrl].filter((url) => alive().includes(url)))));
    await sleep(4_000);
    const seenBeforeKill = followers.reduce((sum, follower) => sum + follower.seqs.length, 0);
    await nodeA.stop('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(followers.map((follower) => follower.done));
    const resumed = followers.map((follower) => follower.resumedAt).filter((at): at is number => at !== undefined);
    const recoverSeconds = resumed.length > 0 ? (Math.max(...resumed) - killedAt) / 1000 : null;

    const outcome = await awaitOutcome(stack.db, runIds);
    const lastSeqs = await stack.db.query<{ id: string; event_seq: number }>('SELECT id, event_seq FROM runs WHERE id = ANY ($1::uuid[])', [runIds]);
    const expected = new Map(lastSeqs.rows.map((row) => [row.id, Number(row.event_seq)]));
    const broken = followers.filter((follower) => {
      const want = Array.from({ length: expected.get(follower.runId)! }, (_, index) => index + 1);
      return !follower.ended || follower.seqs.length !== want.length || follower.seqs.some((seq, index) => seq !== want[index]);
    });
    const events = followers.reduce((sum, follower) => sum + follower.seqs.length, 0);
    const notes = `${followers.length} clients on ${runIds.length} runs; ${seenBeforeKill} events before the kill, ${events} in all; ${followers.filter((follower) => follower.servedBy.size === 2).length} clients resumed on the other node; ${broken.length} with a gap, duplicate or no end`;
    const result = scenarioResult('API node killed while clients stream events', undefined, outcome, recoverSeconds, notes);
    result.requests = followers.reduce((sum, follower) => sum + 1 + follower.reconnects, 0);
    result.requestsFailed = followers.reduce((sum, follower) => sum + follower.reconnects, 0);
    recordScenario(result);

    expect(seenBeforeKill).toBeGreaterThan(0);
    expect(followers.every((follower) => follower.servedBy.has(nodeB.baseUrl)), describeStack(stack)).toBe(true);
    expect(broken.map((follower) => ({ runId: follower.runId, seqs: follower.seqs.join(','), ended: follower.ended }))).toEqual([]);
    expect(outcome.unfinishedRuns).toEqual([]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
  });
});
