import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { GuardianReport } from '../api/types.js';
import { eventFixture, runFixture } from '../test-support/fixtures.js';
import { createFakeServer, eventStream } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

const steered: GuardianReport = {
  run_id: 'run-1',
  spend: { reviews: 1, tokens_input: 600, tokens_output: 120, cost_usd: 0.000162, unpriced_reviews: 0, steers: 1, stops: 0, share_of_run_cost: 0.125, share_of_run_tokens: 0.2 },
  verdicts: [
    {
      id: 1,
      task_id: 'task-drift-1',
      session_id: 'session-1',
      steps_seen: 2,
      verdict: 'drifting',
      score: 0.35,
      reason: 'Steps 0 and 1 are about lighthouse keepers, not the parser.',
      action: 'steer',
      message_id: 'message-1',
      model: 'simulated/guardian',
      tokens: { input: 600, output: 120 },
      cost_usd: 0.000162,
      created_at: '2026-01-01T10:00:05.000Z',
    },
  ],
};

function runServer(reports: GuardianReport[]) {
  const server = createFakeServer();
  const stream = eventStream();
  server.on('GET /api/v1/runs/run-1', runFixture());
  server.on('GET /api/v1/runs/run-1/events/history', { last_seq: 5, events: [eventFixture(5, 'run.started', null, {})] });
  server.on('GET /api/v1/runs/run-1/board', { last_seq: 5, tasks: [], next_cursor: null });
  server.on('GET /api/v1/runs/run-1/events', () => stream.response);
  server.on('GET /api/v1/runs/run-1/questions', { questions: [] });
  let served = 0;
  server.on('GET /api/v1/runs/run-1/guardian', () => new Response(JSON.stringify(reports[Math.min(served++, reports.length - 1)]), { headers: { 'content-type': 'application/json' } }));
  return { server, stream };
}

describe('the guardian panel on the run page', () => {
  it("shows each verdict with its score, action and reason, and the guardian's share of the run", async () => {
    const { server } = runServer([steered]);
    renderApp('/runs/run-1', server);
    const panel = await screen.findByRole('region', { name: 'Guardian' });
    const row = await within(panel).findByRole('row', { name: /drifting/ });
    expect(within(row).getByText('0.35')).toBeTruthy();
    expect(within(row).getByText('steered')).toBeTruthy();
    expect(within(row).getByText('Steps 0 and 1 are about lighthouse keepers, not the parser.')).toBeTruthy();
    expect((within(row).getByRole('link') as HTMLAnchorElement).getAttribute('href')).toBe('/tasks/task-drift-1');
    expect(within(panel).getByText(/1 review · 1 steered · 0 stopped/).textContent).toContain('20.0% of the run’s tokens, 12.5% of its cost');
  });

  it('reads the verdicts again when a guardian.verdict event arrives', async () => {
    const stopped: GuardianReport = {
      ...steered,
      spend: { ...steered.spend, reviews: 2, stops: 1 },
      verdicts: [...steered.verdicts, { ...steered.verdicts[0]!, id: 2, steps_seen: 4, verdict: 'stuck', score: 0.15, action: 'stop', reason: 'Repeats the same search.' }],
    };
    const { server, stream } = runServer([{ ...steered, spend: { ...steered.spend, reviews: 0, steers: 0 }, verdicts: [] }, stopped]);
    renderApp('/runs/run-1', server);
    const panel = await screen.findByRole('region', { name: 'Guardian' });
    await within(panel).findByText('No verdicts yet.');
    stream.send(eventFixture(6, 'guardian.verdict', 'task-drift-1', { verdict: 'stuck', action: 'stop' }));
    const row = await within(panel).findByRole('row', { name: /stuck/ }, { timeout: 5_000 });
    expect(within(row).getByText('stopped')).toBeTruthy();
    await vi.waitFor(() => expect(server.requests.filter((request) => request.url === '/api/v1/runs/run-1/guardian')).toHaveLength(2));
  });
});
