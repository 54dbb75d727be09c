import { describe, expect, it } from 'vitest';
import type { RunDescription } from '../orchestrator/run-summary.js';
import { progressLine } from './progress.js';

const base = {
  id: 'run-1',
  status: 'running',
  simulated: true,
  cost_usd: 0.5,
  tasks: { total: 4, running: 1, in_review: 1, waiting_human: 1 },
  phases: [
    { key: 'build', position: 0, max_concurrency: null, approval: null, total: 3, counts: { done: 0, running: 1, in_review: 1, waiting_human: 1 } },
    { key: 'ship', position: 1, max_concurrency: null, approval: { approved_at: null, approved_by: null }, total: 1, counts: { queued: 1 } },
  ],
} as unknown as RunDescription;

describe('the progress line', () => {
  it("says what waits for a reviewer, a person's answer and an approval", () => {
    expect(progressLine(base)).toBe('[running] build 0/3  ship 0/1  running 1  in review 1  asking a person 1  awaiting approval: ship  $0.5000  (simulated)');
  });

  it('leaves them out when nothing waits, or the gate is open', () => {
    const quiet = { ...base, tasks: { total: 4, running: 1 }, phases: [base.phases[0], { ...base.phases[1], approval: { approved_at: '2026-01-01T00:00:00.000Z', approved_by: 'ada' } }] } as unknown as RunDescription;
    expect(progressLine(quiet)).toBe('[running] build 0/3  ship 0/1  running 1  $0.5000  (simulated)');
  });
});
